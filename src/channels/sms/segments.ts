/**
 * SMS segment count, which is what carriers and providers bill: GSM-7 (160 chars, 153 per part when
 * concatenated; ^{}\[~]|€ count twice) or UCS-2 (70, 67 per part) as soon as one character is outside GSM-7.
 */
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENDED = '^{}\\[~]|€\f';

export function smsSegments(text: string): { encoding: 'GSM-7' | 'UCS-2'; units: number; segments: number } {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7.includes(ch)) septets += 1;
    else if (GSM7_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  // UCS-2 counts UTF-16 code units: characters outside the BMP (emoji) take two.
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** The SMS body for a notification: text, else body, else title. */
export const smsText = (content: { text?: string; body?: string; title?: string }) =>
  content.text ?? content.body ?? content.title ?? '';

/**
 * The longest SMS text Twilio and Amazon SNS take in one request (Twilio error 21617; the SNS Publish limit for
 * SMS). Counted in UTF-16 code units, the stricter reading, so a text accepted here is not refused later.
 */
export const SMS_MAX_CHARS = 1600;

/** Why `text` cannot go out as one SMS request, or null: the same answer at accept, render and send time. */
export function smsTooLong(text: string): { code: 'sms_too_long'; message: string; retryable: false } | null {
  if (text.length <= SMS_MAX_CHARS) return null;
  return {
    code: 'sms_too_long',
    message: `SMS text is ${text.length} characters; providers accept at most ${SMS_MAX_CHARS}`,
    retryable: false,
  };
}
