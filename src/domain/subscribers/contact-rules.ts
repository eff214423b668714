/** Validation rules for how a subscriber can be reached. Pure, shared by the API schema and later channels. */

/** E.164: `+`, country code, up to 15 digits in all. */
export const E164 = /^\+[1-9]\d{1,14}$/;

export function isIanaTimeZone(value: string): boolean {
  if (!value.includes('/') && value !== 'UTC') return false; // reject abbreviations like "EST" that Intl accepts
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The canonical BCP-47 form (`en-us` → `en-US`), or null when the tag is not well formed. */
export function canonicalLocale(value: string): string | null {
  try {
    return Intl.getCanonicalLocales(value)[0] ?? null;
  } catch {
    return null;
  }
}
