import type { OutboundMessage } from '../types';

/** Push addresses are `fcm:<token>` or `apns:<token>` (subscriber channels.pushTokens). */
export const pushToken = (address: string) => address.slice(address.indexOf(':') + 1);

/** FCM and APNs data payloads carry string values only. */
export function stringData(message: OutboundMessage): Record<string, string> {
  const data = { ...(message.content.data ?? {}), ...(message.data ?? {}) };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
