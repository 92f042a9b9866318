import { isIP } from "node:net";
import { z } from "zod";

/**
 * All configuration comes from environment variables, validated here once at boot.
 * Every variable is documented in README.md ("Configuration").
 */
const DEV_SESSION_SECRET = "dev-only-session-secret-not-for-production-0123456789";
/** Development only: documents stored with this key are readable by anyone who has the code. */
const DEV_STORAGE_KEY = "d0c0de0fde7e10ce0d0c0de0fde7e10ce0d0c0de0fde7e10ce0d0c0de0fde7e1";

/** An empty variable counts as unset. */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalUrl = z.preprocess(blankToUndefined, z.url().optional());
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

/** One address or CIDR block (IPv4 or IPv6): 10.0.0.0/8, 192.0.2.7, 2001:db8::/32. */
function isAddressOrCidr(text: string): boolean {
  const [address = "", prefix, extra] = text.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: `false` (default), the number of proxies in front of the service (`1`, `2`…),
 * or a comma list of their addresses or CIDR blocks. `true` is refused: it would take the
 * left-most `X-Forwarded-For`, which the client writes.
 */
const trustProxySchema = z.preprocess(
  blankToUndefined,
  z
    .string()
    .default("false")
    .transform((value, ctx): TrustProxy => {
      const v = value.trim();
      if (v === "false") return false;
      if (/^\d+$/.test(v)) {
        const hops = Number(v);
        if (hops >= 1 && hops <= 10) return hops;
      } else if (v !== "true") {
        const list = v.split(",").map((x) => x.trim());
        if (list.every(isAddressOrCidr)) return list;
      }
      ctx.addIssue({
        code: "custom",
        message:
          v === "true"
            ? "TRUST_PROXY=true n'est plus accepté (l'adresse la plus à gauche de X-Forwarded-For est écrite par le client) : indiquez le nombre de relais devant le service (1, 2…) ou leurs adresses (10.0.0.0/8,192.0.2.7)"
            : "TRUST_PROXY attend false, un nombre de relais (1 à 10) ou une liste d'adresses ou de blocs CIDR séparés par des virgules",
      });
      return z.NEVER;
    }),
);

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optionalString,
    PUBLIC_URL: optionalUrl,
    DATABASE_URL: optionalUrl,
    DATA_DIR: z.string().default("./data"),
    SMTP_URL: optionalUrl,
    MAIL_FROM: z.string().default("Permis de conduire <ne-pas-repondre@permis.localhost>"),
    SESSION_SECRET: optionalString,
    FRANCECONNECT_ISSUER: optionalUrl,
    FRANCECONNECT_CLIENT_ID: optionalString,
    FRANCECONNECT_CLIENT_SECRET: optionalString,
    FRANCECONNECT_DEMO_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
    PROCONNECT_ISSUER: optionalUrl,
    PROCONNECT_CLIENT_ID: optionalString,
    PROCONNECT_CLIENT_SECRET: optionalString,
    PROCONNECT_DEMO_PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
    TRUST_PROXY: trustProxySchema,
    STORAGE_DIR: z.string().default("./storage"),
    STORAGE_ENCRYPTION_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, "STORAGE_ENCRYPTION_KEY doit faire 64 caractères hexadécimaux (openssl rand -hex 32)").optional(),
    S3_BUCKET: optionalString,
    S3_REGION: z.string().default("eu-west-3"),
    S3_ENDPOINT: optionalUrl,
    S3_ACCESS_KEY_ID: optionalString,
    S3_SECRET_ACCESS_KEY: optionalString,
    S3_FORCE_PATH_STYLE: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
    OUTBOX_LEASE_SECONDS: z.coerce.number().int().min(1).default(120),
    SMS_URL: optionalUrl,
    SMS_TOKEN: optionalString,
    SMS_CALLBACK_SECRET: optionalString,
    CLAMD_SOCKET: optionalString,
    CLAMD_HOST: optionalString,
    CLAMD_PORT: z.coerce.number().int().min(1).max(65535).default(3310),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: "custom", path: ["S3_BUCKET"], message: "S3_BUCKET demande aussi S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY" });
    }
    if (env.PROCONNECT_ISSUER && (!env.PROCONNECT_CLIENT_ID || !env.PROCONNECT_CLIENT_SECRET)) {
      ctx.addIssue({ code: "custom", path: ["PROCONNECT_ISSUER"], message: "PROCONNECT_ISSUER demande aussi PROCONNECT_CLIENT_ID et PROCONNECT_CLIENT_SECRET" });
    }
    if (env.SMS_URL && !env.SMS_TOKEN) {
      ctx.addIssue({ code: "custom", path: ["SMS_URL"], message: "SMS_URL demande aussi SMS_TOKEN" });
    }
    if (env.SMS_CALLBACK_SECRET !== undefined && env.SMS_CALLBACK_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["SMS_CALLBACK_SECRET"], message: "SMS_CALLBACK_SECRET doit faire au moins 32 caractères" });
    }
    if (env.NODE_ENV !== "production") return;
    const required: Array<keyof typeof env> = [
      "PUBLIC_URL",
      "DATABASE_URL",
      "SMTP_URL",
      "SESSION_SECRET",
      "FRANCECONNECT_ISSUER",
      "FRANCECONNECT_CLIENT_ID",
      "FRANCECONNECT_CLIENT_SECRET",
      "STORAGE_ENCRYPTION_KEY",
    ];
    for (const key of required) {
      if (env[key] === undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: `${key} est obligatoire en production` });
      }
    }
    if (env.SESSION_SECRET !== undefined && env.SESSION_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "SESSION_SECRET doit faire au moins 32 caractères" });
    }
    // The development values are published with the code: anyone could forge sessions or read documents.
    if (env.SESSION_SECRET === DEV_SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "SESSION_SECRET ne peut pas être la valeur de développement publiée avec le code" });
    }
    if (env.STORAGE_ENCRYPTION_KEY !== undefined && env.STORAGE_ENCRYPTION_KEY.toLowerCase() === DEV_STORAGE_KEY) {
      ctx.addIssue({ code: "custom", path: ["STORAGE_ENCRYPTION_KEY"], message: "STORAGE_ENCRYPTION_KEY ne peut pas être la valeur de développement publiée avec le code" });
    }
    if (env.PUBLIC_URL !== undefined && !env.PUBLIC_URL.toLowerCase().startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "PUBLIC_URL doit commencer par https:// en production" });
    }
  });

export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  /** Fastify's `trustProxy`: false, a number of hops, or the proxies' addresses / CIDR blocks. */
  trustProxy: TrustProxy;
  outboxLeaseSeconds: number;
  /** The SMS provider (undefined url: the development sink, /dev/sms) and the secret of its signed delivery callback. */
  sms: { url: string | undefined; token: string; callbackSecret: string | undefined };
  logLevel: string;
  /** clamd, which scans every uploaded file (INSTREAM); undefined: files are not scanned ("non analysé"). */
  clamd: { socket: string } | { host: string; port: number } | undefined;
  storage: {
    dir: string;
    /** AES-256-GCM key (hex) of the documents at rest. */
    encryptionKey: string;
    s3: { bucket: string; region: string; endpoint: string | undefined; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean } | undefined;
  };
  franceConnect: {
    /** undefined: the demonstration provider is started locally (never in production). */
    issuer: string | undefined;
    clientId: string;
    clientSecret: string;
    demoPort: number;
  };
  proConnect: {
    /**
     * undefined: in development, the demonstration provider is started locally; in production,
     * agents sign in with a password and a TOTP code only.
     */
    issuer: string | undefined;
    clientId: string;
    clientSecret: string;
    demoPort: number;
  };
}

export type TrustProxy = false | number | string[];

export class ConfigError extends Error {}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset: its default applies.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `- ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    // Development pages (the local mailbox) must not be reachable from the network by default.
    host: e.HOST ?? (e.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    trustProxy: e.TRUST_PROXY,
    outboxLeaseSeconds: e.OUTBOX_LEASE_SECONDS,
    sms: { url: e.SMS_URL, token: e.SMS_TOKEN ?? "", callbackSecret: e.SMS_CALLBACK_SECRET },
    logLevel: e.LOG_LEVEL,
    clamd: e.CLAMD_SOCKET ? { socket: e.CLAMD_SOCKET } : e.CLAMD_HOST ? { host: e.CLAMD_HOST, port: e.CLAMD_PORT } : undefined,
    storage: {
      dir: e.STORAGE_DIR,
      encryptionKey: e.STORAGE_ENCRYPTION_KEY ?? DEV_STORAGE_KEY,
      s3: e.S3_BUCKET
        ? {
            bucket: e.S3_BUCKET,
            region: e.S3_REGION,
            endpoint: e.S3_ENDPOINT,
            accessKeyId: e.S3_ACCESS_KEY_ID ?? "",
            secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? "",
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
    franceConnect: {
      issuer: e.FRANCECONNECT_ISSUER?.replace(/\/$/, ""),
      clientId: e.FRANCECONNECT_CLIENT_ID ?? "permis-en-ligne-demo",
      clientSecret: e.FRANCECONNECT_CLIENT_SECRET ?? "demo-secret-for-local-provider-only",
      demoPort: e.FRANCECONNECT_DEMO_PORT ?? (e.PORT === 0 ? 0 : e.PORT === 65535 ? 65534 : e.PORT + 1),
    },
    proConnect: {
      issuer: e.PROCONNECT_ISSUER?.replace(/\/$/, ""),
      clientId: e.PROCONNECT_CLIENT_ID ?? "permis-agents-demo",
      clientSecret: e.PROCONNECT_CLIENT_SECRET ?? "demo-secret-for-local-proconnect-only",
      demoPort: e.PROCONNECT_DEMO_PORT ?? (e.PORT === 0 ? 0 : e.PORT >= 65534 ? 65533 : e.PORT + 2),
    },
  };
}

export function isProduction(config: Config): boolean {
  return config.env === "production";
}
