import { createMimeMessage } from 'mimetext/browser';
import type { NotificationContent } from '../../db/schema';
import { parseFrom } from './email-content';
import { htmlToText } from './html-to-text';

/** Header values never carry line breaks: that is how header injection happens. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/**
 * The Message-ID of a delivery's email: stable per delivery, so the SMTP transport can report it as the provider's
 * message id (the server's reply text is not an id) and a retry of the same delivery carries the same one.
 */
export const messageIdOf = (deliveryId: string) => `<${deliveryId}@notifykit>`;

/** Builds the RFC 5322 message: text and HTML as alternatives, our ids in headers for tracing and dedupe. */
export function buildEmail(input: {
  from: string;
  to: string;
  content: NotificationContent;
  deliveryId: string;
  notificationId: string;
  headers?: Record<string, string> | undefined;
}): string {
  const msg = createMimeMessage();
  const from = parseFrom(oneLine(input.from));
  msg.setSender(from.name ? { name: from.name, addr: from.email } : { addr: from.email });
  msg.setRecipient(oneLine(input.to));
  msg.setSubject(oneLine(input.content.subject ?? ''));
  msg.setHeader('Message-ID', messageIdOf(input.deliveryId));
  msg.setHeader('X-Notifykit-Delivery-Id', input.deliveryId);
  msg.setHeader('X-Notifykit-Notification-Id', input.notificationId);
  for (const [name, value] of Object.entries(input.headers ?? {})) msg.setHeader(name, oneLine(value));
  const text = input.content.text ?? (input.content.html ? htmlToText(input.content.html) : '');
  msg.addMessage({ contentType: 'text/plain', data: text });
  if (input.content.html) msg.addMessage({ contentType: 'text/html', data: input.content.html });
  return msg.asRaw();
}
