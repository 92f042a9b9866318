import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * SMS rules, pure: how many segments a text costs (GSM 03.38 7-bit alphabet, else UCS-2) and the
 * French mobile numbers that may receive one, in E.164.
 */

/** The GSM 03.38 basic character set (one septet each). */
const GSM7_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** The extension table: each costs an escape plus the character (two septets). */
const GSM7_EXTENDED = "^{}\\[~]|€\f";

const BASIC = new Set(GSM7_BASIC);
const EXTENDED = new Set(GSM7_EXTENDED);

export type SmsEncoding = "GSM-7" | "UCS-2";

export interface SmsCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/** Single message: 160 septets or 70 UCS-2 units; concatenated: 153 or 67 per segment (the UDH takes the rest). */
const LIMITS = { "GSM-7": { single: 160, multi: 153 }, "UCS-2": { single: 70, multi: 67 } } as const;

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENDED.has(ch)) return false;
  return true;
}

/** The segments `text` is sent in. An escape septet never straddles two segments (it moves to the next). */
export function countSegments(text: string): SmsCount {
  if (isGsm7(text)) {
    let units = 0;
    for (const ch of text) units += EXTENDED.has(ch) ? 2 : 1;
    if (units <= LIMITS["GSM-7"].single) return { encoding: "GSM-7", units, segments: units === 0 ? 0 : 1 };
    let segments = 1;
    let used = 0;
    for (const ch of text) {
      const cost = EXTENDED.has(ch) ? 2 : 1;
      if (used + cost > LIMITS["GSM-7"].multi) {
        segments++;
        used = 0;
      }
      used += cost;
    }
    return { encoding: "GSM-7", units, segments };
  }
  const units = text.length;
  if (units <= LIMITS["UCS-2"].single) return { encoding: "UCS-2", units, segments: units === 0 ? 0 : 1 };
  // A surrogate pair is never split across segments.
  let segments = 1;
  let used = 0;
  for (const ch of text) {
    const cost = ch.length;
    if (used + cost > LIMITS["UCS-2"].multi) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding: "UCS-2", units, segments };
}

/** The longest text we send: a few segments at most (a template bug must not cost dozens). */
export const MAX_SMS_SEGMENTS = 3;

/**
 * A French mobile (06, 07, +33 6/7, 0033 6/7, spaces, dots and dashes allowed) in E.164
 * ("+33612345678"); undefined for a landline, a foreign number or anything else.
 */
export function frenchMobileE164(input: string): string | undefined {
  if (input.length > 32) return undefined;
  const compact = input.replace(/[\s.\-()]/g, "");
  if (!/^(?:\+|00)?\d{9,13}$/.test(compact)) return undefined;
  const international = compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
  const parsed = parsePhoneNumberFromString(international, "FR");
  if (!parsed || parsed.country !== "FR" || !parsed.isValid()) return undefined;
  if (parsed.getType() !== "MOBILE") return undefined;
  return parsed.number;
}
