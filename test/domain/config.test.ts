import { describe, it, expect } from "vitest";
import { ConfigError, isProduction, loadConfig, type Config } from "../../src/config.ts";

const DEFAULTS: Config = {
  env: "development",
  port: 3000,
  host: "127.0.0.1",
  publicUrl: "http://localhost:3000",
  databaseUrl: undefined,
  dataDir: "./data",
  smtpUrl: undefined,
  mailFrom: "Permis de conduire <ne-pas-repondre@permis.localhost>",
  sessionSecret: "dev-only-session-secret-not-for-production-0123456789",
  trustProxy: false,
  outboxLeaseSeconds: 120,
  sms: { url: undefined, token: "", callbackSecret: undefined },
  logLevel: "info",
  clamd: undefined,
  franceConnect: {
    issuer: undefined,
    clientId: "permis-en-ligne-demo",
    clientSecret: "demo-secret-for-local-provider-only",
    demoPort: 3001,
  },
  proConnect: {
    issuer: undefined,
    clientId: "permis-agents-demo",
    clientSecret: "demo-secret-for-local-proconnect-only",
    demoPort: 3002,
  },
  storage: {
    dir: "./storage",
    encryptionKey: "d0c0de0fde7e10ce0d0c0de0fde7e10ce0d0c0de0fde7e10ce0d0c0de0fde7e1",
    s3: undefined,
  },
};

const SECRET_32 = "s".repeat(32);
const PRODUCTION = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://permis.example.gouv.fr/",
  DATABASE_URL: "postgres://permis:pw@db:5432/permis",
  SMTP_URL: "smtp://mail.example.gouv.fr:587",
  SESSION_SECRET: SECRET_32,
  FRANCECONNECT_ISSUER: "https://fc.example.gouv.fr/api/v2/",
  FRANCECONNECT_CLIENT_ID: "client-id",
  FRANCECONNECT_CLIENT_SECRET: "client-secret",
  STORAGE_ENCRYPTION_KEY: "ab".repeat(32),
} as const;
type RequiredKey = Exclude<keyof typeof PRODUCTION, "NODE_ENV">;
const REQUIRED: RequiredKey[] = [
  "PUBLIC_URL",
  "DATABASE_URL",
  "SMTP_URL",
  "SESSION_SECRET",
  "FRANCECONNECT_ISSUER",
  "FRANCECONNECT_CLIENT_ID",
  "FRANCECONNECT_CLIENT_SECRET",
  "STORAGE_ENCRYPTION_KEY",
];

/** The ConfigError thrown by loadConfig(env), or a failure if none is thrown. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error("expected loadConfig to throw a ConfigError");
}

describe("loadConfig defaults", () => {
  it("uses development defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toEqual(DEFAULTS);
    expect(isProduction(config)).toBe(false);
  });

  it.each<{ name: string; env: NodeJS.ProcessEnv; expected: Partial<Config> }>([
    {
      name: "PORT moves the default public URL and demo port",
      env: { PORT: "8080" },
      expected: { port: 8080, publicUrl: "http://localhost:8080", franceConnect: { ...DEFAULTS.franceConnect, demoPort: 8081 }, proConnect: { ...DEFAULTS.proConnect, demoPort: 8082 } },
    },
    {
      name: "PORT 0 (any free port) also lets the demo provider pick any free port",
      env: { PORT: "0" },
      expected: { port: 0, publicUrl: "http://localhost:0", franceConnect: { ...DEFAULTS.franceConnect, demoPort: 0 }, proConnect: { ...DEFAULTS.proConnect, demoPort: 0 } },
    },
    {
      name: "PORT 65535 is allowed (with an explicit demo port)",
      env: { PORT: "65535", FRANCECONNECT_DEMO_PORT: "65534" },
      expected: {
        port: 65535,
        publicUrl: "http://localhost:65535",
        franceConnect: { ...DEFAULTS.franceConnect, demoPort: 65534 },
        proConnect: { ...DEFAULTS.proConnect, demoPort: 65533 },
      },
    },
    { name: "PUBLIC_URL loses its trailing slash", env: { PUBLIC_URL: "https://permis.test/" }, expected: { publicUrl: "https://permis.test" } },
    {
      name: "FRANCECONNECT_ISSUER loses its trailing slash",
      env: { FRANCECONNECT_ISSUER: "https://fc.test/api/" },
      expected: { franceConnect: { ...DEFAULTS.franceConnect, issuer: "https://fc.test/api" } },
    },
    {
      name: "FRANCECONNECT_DEMO_PORT overrides PORT + 1",
      env: { FRANCECONNECT_DEMO_PORT: "4500" },
      expected: { franceConnect: { ...DEFAULTS.franceConnect, demoPort: 4500 } },
    },
    {
      name: "PROCONNECT_ISSUER, its client and PROCONNECT_DEMO_PORT",
      env: { PROCONNECT_ISSUER: "https://proconnect.example/api/v2/", PROCONNECT_CLIENT_ID: "id", PROCONNECT_CLIENT_SECRET: "secret", PROCONNECT_DEMO_PORT: "4600" },
      expected: { proConnect: { issuer: "https://proconnect.example/api/v2", clientId: "id", clientSecret: "secret", demoPort: 4600 } },
    },
    { name: "TRUST_PROXY=false", env: { TRUST_PROXY: "false" }, expected: { trustProxy: false } },
    { name: "TRUST_PROXY=1 (one load balancer)", env: { TRUST_PROXY: "1" }, expected: { trustProxy: 1 } },
    { name: "TRUST_PROXY=2", env: { TRUST_PROXY: "2" }, expected: { trustProxy: 2 } },
    {
      name: "TRUST_PROXY lists addresses and CIDR blocks",
      env: { TRUST_PROXY: "10.0.0.0/8, 192.0.2.7,2001:db8::/32" },
      expected: { trustProxy: ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"] },
    },
    { name: "HOST is honoured", env: { HOST: "0.0.0.0" }, expected: { host: "0.0.0.0" } },
    { name: "SESSION_SECRET is trimmed", env: { SESSION_SECRET: "  abc  " }, expected: { sessionSecret: "abc" } },
    { name: "NODE_ENV=test", env: { NODE_ENV: "test" }, expected: { env: "test" } },
    { name: "OUTBOX_LEASE_SECONDS", env: { OUTBOX_LEASE_SECONDS: "30" }, expected: { outboxLeaseSeconds: 30 } },
    { name: "LOG_LEVEL", env: { LOG_LEVEL: "debug" }, expected: { logLevel: "debug" } },
  ])("$name", ({ env, expected }) => {
    expect(loadConfig(env)).toEqual({ ...DEFAULTS, ...expected });
  });

  it("refuses PROCONNECT_ISSUER without its client id and secret", () => {
    expect(configError({ PROCONNECT_ISSUER: "https://proconnect.example/api/v2" }).message).toContain(
      "- PROCONNECT_ISSUER: PROCONNECT_ISSUER demande aussi PROCONNECT_CLIENT_ID et PROCONNECT_CLIENT_SECRET",
    );
  });

  it("does not require production variables outside production", () => {
    expect(() => loadConfig({ NODE_ENV: "development", SESSION_SECRET: "short" })).not.toThrow();
    expect(() => loadConfig({ NODE_ENV: "test" })).not.toThrow();
  });
});

describe("empty variables count as unset", () => {
  it.each<[string, string]>([
    ["PUBLIC_URL", ""],
    ["PUBLIC_URL", "   "],
    ["DATABASE_URL", ""],
    ["SMTP_URL", ""],
    ["SESSION_SECRET", ""],
    ["SESSION_SECRET", "  "],
    ["FRANCECONNECT_ISSUER", ""],
    ["FRANCECONNECT_CLIENT_ID", ""],
    ["FRANCECONNECT_CLIENT_SECRET", ""],
    ["FRANCECONNECT_DEMO_PORT", ""],
    ["PROCONNECT_ISSUER", ""],
    ["PROCONNECT_CLIENT_ID", ""],
    ["PROCONNECT_DEMO_PORT", ""],
    ["TRUST_PROXY", ""],
  ])("%s=%j gives the defaults", (key, value) => {
    expect(loadConfig({ [key]: value })).toEqual(DEFAULTS);
  });

  // Every variable: an empty value counts as unset (PORT="" must not mean port 0).
  it.each<[string]>([
    ["PORT"],
    ["HOST"],
    ["DATA_DIR"],
    ["MAIL_FROM"],
    ["NODE_ENV"],
    ["LOG_LEVEL"],
    ["OUTBOX_LEASE_SECONDS"],
  ])('%s="" gives the defaults', (key) => {
    expect(loadConfig({ [key]: "" })).toEqual(DEFAULTS);
  });

  it("counts blank production variables as missing", () => {
    const env = Object.fromEntries(Object.entries(PRODUCTION).map(([k, v]) => [k, k === "NODE_ENV" ? v : " "]));
    const message = configError(env).message;
    for (const key of REQUIRED) expect(message).toContain(`- ${key}: ${key} est obligatoire en production`);
  });
});

describe("loadConfig in production", () => {
  it("starts with every required variable set", () => {
    const config = loadConfig({ ...PRODUCTION });
    expect(isProduction(config)).toBe(true);
    expect(config).toMatchObject({
      env: "production",
      publicUrl: "https://permis.example.gouv.fr",
      databaseUrl: "postgres://permis:pw@db:5432/permis",
      smtpUrl: "smtp://mail.example.gouv.fr:587",
      sessionSecret: SECRET_32,
      franceConnect: {
        issuer: "https://fc.example.gouv.fr/api/v2",
        clientId: "client-id",
        clientSecret: "client-secret",
        demoPort: 3001,
      },
    });
  });

  it.each(REQUIRED.flatMap((key) => [{ key, value: undefined }, { key, value: "" }]))(
    "refuses to start when $key is $value, naming it",
    ({ key, value }) => {
      const env: NodeJS.ProcessEnv = { ...PRODUCTION, [key]: value };
      const error = configError(env);
      expect(error.message).toContain("Configuration invalide");
      expect(error.message).toContain(`- ${key}: ${key} est obligatoire en production`);
      for (const other of REQUIRED.filter((k) => k !== key)) expect(error.message).not.toContain(`${other}:`);
    },
  );

  it("names every missing variable at once", () => {
    const error = configError({ NODE_ENV: "production" });
    const lines = error.message.split("\n").slice(1);
    expect(lines).toEqual(REQUIRED.map((key) => `- ${key}: ${key} est obligatoire en production`));
  });

  it.each<{ secret: string; ok: boolean }>([
    { secret: "s".repeat(31), ok: false },
    { secret: "short", ok: false },
    { secret: `  ${"s".repeat(31)}  `, ok: false }, // trimmed before measuring
    { secret: "s".repeat(32), ok: true },
    { secret: "s".repeat(64), ok: true },
  ])("SESSION_SECRET of $secret.length characters: accepted = $ok", ({ secret, ok }) => {
    const env = { ...PRODUCTION, SESSION_SECRET: secret };
    if (ok) {
      expect(loadConfig(env).sessionSecret).toBe(secret.trim());
    } else {
      expect(configError(env).message).toContain("- SESSION_SECRET: SESSION_SECRET doit faire au moins 32 caractères");
    }
  });
});

describe("listening address", () => {
  it("listens on 127.0.0.1 by default outside production (the development mailbox stays local)", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ NODE_ENV: "test" }).host).toBe("127.0.0.1");
  });

  it("listens on every interface by default in production", () => {
    expect(loadConfig({ ...PRODUCTION }).host).toBe("0.0.0.0");
    expect(loadConfig({ ...PRODUCTION, HOST: "10.1.2.3" }).host).toBe("10.1.2.3");
  });
});

describe("production refuses the published development values", () => {
  const devSecret = loadConfig({}).sessionSecret;
  const devKey = loadConfig({}).storage.encryptionKey;

  it("refuses the development SESSION_SECRET", () => {
    expect(configError({ ...PRODUCTION, SESSION_SECRET: devSecret }).message).toContain(
      "- SESSION_SECRET: SESSION_SECRET ne peut pas être la valeur de développement publiée avec le code",
    );
  });

  it.each([devKey, devKey.toUpperCase()])("refuses the development STORAGE_ENCRYPTION_KEY (%s)", (key) => {
    expect(configError({ ...PRODUCTION, STORAGE_ENCRYPTION_KEY: key }).message).toContain(
      "- STORAGE_ENCRYPTION_KEY: STORAGE_ENCRYPTION_KEY ne peut pas être la valeur de développement publiée avec le code",
    );
  });

  it.each(["http://permis.example.gouv.fr", "HTTP://permis.example.gouv.fr/"])("refuses PUBLIC_URL=%s", (url) => {
    expect(configError({ ...PRODUCTION, PUBLIC_URL: url }).message).toContain("- PUBLIC_URL: PUBLIC_URL doit commencer par https:// en production");
  });

  it("accepts the development values outside production", () => {
    expect(() => loadConfig({ SESSION_SECRET: devSecret, STORAGE_ENCRYPTION_KEY: devKey, PUBLIC_URL: "http://localhost:3000" })).not.toThrow();
  });
});

describe("invalid values are refused", () => {
  it.each<[string, string]>([
    ["PORT", "abc"],
    ["PORT", "-1"],
    ["PORT", "65536"],
    ["PORT", "3000.5"],
    ["PORT", "80 80"],
    ["FRANCECONNECT_DEMO_PORT", "70000"],
    ["NODE_ENV", "staging"],
    ["LOG_LEVEL", "verbose"],
    ["TRUST_PROXY", "yes"],
    ["TRUST_PROXY", "0"],
    ["TRUST_PROXY", "11"],
    ["TRUST_PROXY", "-1"],
    ["TRUST_PROXY", "10.0.0.0/33"],
    ["TRUST_PROXY", "10.0.0.0/8,proxy.example"],
    ["TRUST_PROXY", "10.0.0.0/8,"],
    ["OUTBOX_LEASE_SECONDS", "0"],
    ["PUBLIC_URL", "pas une url"],
    ["SMTP_URL", "mail.example.fr"],
  ])("%s=%j", (key, value) => {
    const error = configError({ [key]: value });
    expect(error.message).toMatch(new RegExp(`^- ${key}: `, "m"));
  });

  it("refuses TRUST_PROXY=true, which would trust the client's own X-Forwarded-For, and says what to write", () => {
    const message = configError({ TRUST_PROXY: "true" }).message;
    expect(message).toMatch(/^- TRUST_PROXY: TRUST_PROXY=true n'est plus accepté/m);
    expect(message).toContain("nombre de relais");
  });

  it("reports an invalid PORT in production as well", () => {
    expect(configError({ ...PRODUCTION, PORT: "99999" }).message).toMatch(/^- PORT: /m);
  });
});
