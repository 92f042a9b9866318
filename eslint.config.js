import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Layers (docs/ARCHITECTURE.md): dependencies point inward, and lint enforces it. */
const layer = (files, forbidden, message, allowTypeImports = false) => ({
  files,
  rules: {
    "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ group: forbidden, message, allowTypeImports }] }],
  },
});

/** The demonstration identity providers and what they are built on. */
const DEMO_PROVIDERS = ["**/*-demo.ts", "oidc-provider"];

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "storage/", "coverage/", "dist/", "src/web/assets/", "bench/profiles/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  layer(
    ["src/domain/**"],
    ["node:*", "**/db/**", "**/services/**", "**/jobs/**", "**/web/**", "pg", "drizzle-orm*", "fastify*", "@fastify/*"],
    "src/domain holds pure rules: no I/O, no outer layer.",
  ),
  layer(["src/db/**"], ["**/services/**", "**/jobs/**", "**/web/**"], "src/db may depend on src/domain only."),
  layer(["src/services/**"], ["**/jobs/**", "**/web/**", ...DEMO_PROVIDERS], "src/services may not depend on jobs or web (nor, but for the demonstration providers themselves, on them)."),
  layer(["src/services/*-demo.ts"], ["**/jobs/**", "**/web/**"], "src/services may not depend on jobs or web."),
  layer(["src/jobs/**"], ["**/web/**", ...DEMO_PROVIDERS], "src/jobs may not depend on web, nor on the demonstration providers."),
  // Web code reaches the database only through services (a row's type may be named).
  layer(["src/web/**"], ["**/db/repositories/**", "**/db/schema*", "drizzle-orm*", "pg", "@electric-sql/*", ...DEMO_PROVIDERS], "src/web calls services (not the demonstration providers); it does not query the database itself.", true),
  // The demonstration identity providers (oidc-provider: about 20 Mo resident) are imported only
  // where they are started, in development (src/main.ts): production never loads them.
  layer(["src/*.ts"], DEMO_PROVIDERS, "Import the demonstration providers with import() where they are started, never statically.", true),
  { files: ["test/**", "scripts/**", "bench/**"], rules: { "no-console": "off" } },
);
