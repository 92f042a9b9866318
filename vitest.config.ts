import { defineConfig } from "vitest/config";

/**
 * One suite, two databases: without DATABASE_URL every test file gets its own in-memory
 * PGlite; with DATABASE_URL (a PostgreSQL server) each file gets its own fresh database.
 */
export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
