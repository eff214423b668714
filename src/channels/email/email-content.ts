import type { NotificationContent } from '../../db/schema';
import { htmlToText } from './html-to-text';

/** The parts every email provider sends: subject, a text part (derived from HTML when absent), optional HTML. */
export function emailParts(content: NotificationContent) {
  return {
    subject: content.subject ?? '',
    text: content.text ?? (content.html ? htmlToText(content.html) : ''),
    html: content.html,
  };
}

const EMAIL_WITH_NAME = /^\s*(.*?)\s*<([^>]+)>\s*$/;

/** `"Acme <hi@acme.test>"` → { name: "Acme", email: "hi@acme.test" }. */
export function parseFrom(from: string): { email: string; name?: string } {
  const m = EMAIL_WITH_NAME.exec(from);
  if (!m) return { email: from.trim() };
  return m[1] ? { email: m[2]!, name: m[1].replace(/^"|"$/g, '') } : { email: m[2]! };
}
