import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("SMS configuration", () => {
  it.each<{ name: string; env: Record<string, string>; sms?: { url: string | undefined; token: string; callbackSecret: string | undefined }; error?: string }>([
    { name: "unset: the development sink, no callback", env: {}, sms: { url: undefined, token: "", callbackSecret: undefined } },
    {
      name: "a provider and its callback secret",
      env: { SMS_URL: "https://sms.example.fr/v1/messages", SMS_TOKEN: "jeton", SMS_CALLBACK_SECRET: "c".repeat(32) },
      sms: { url: "https://sms.example.fr/v1/messages", token: "jeton", callbackSecret: "c".repeat(32) },
    },
    { name: "SMS_URL without SMS_TOKEN", env: { SMS_URL: "https://sms.example.fr/v1/messages" }, error: "SMS_URL demande aussi SMS_TOKEN" },
    { name: "a short callback secret", env: { SMS_CALLBACK_SECRET: "court" }, error: "SMS_CALLBACK_SECRET doit faire au moins 32 caractères" },
    { name: "SMS_URL not a URL", env: { SMS_URL: "pas une url", SMS_TOKEN: "x" }, error: "SMS_URL" },
  ])("$name", ({ env, sms, error }) => {
    if (error) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(error);
    } else {
      expect(loadConfig(env).sms).toEqual(sms);
    }
  });
});
