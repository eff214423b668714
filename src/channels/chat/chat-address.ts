/**
 * Chat addresses: `slack:<incoming webhook URL>`, `slack-channel:<channel id>` (chat.postMessage with the tenant's
 * bot token), `discord:<webhook URL>`, `teams:<webhook URL>`.
 */
export type ChatTarget = 'slack' | 'slack-channel' | 'discord' | 'teams';

export function parseChatAddress(address: string): { target: ChatTarget; value: string } | null {
  const i = address.indexOf(':');
  const target = address.slice(0, i);
  if (target !== 'slack' && target !== 'slack-channel' && target !== 'discord' && target !== 'teams') return null;
  return { target, value: address.slice(i + 1) };
}

/** The plain text of a chat message. */
export const chatText = (content: { text?: string; body?: string; title?: string }) =>
  [content.title, content.text ?? content.body].filter(Boolean).join('\n');
