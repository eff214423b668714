import { htmlToText } from '../../channels/email/html-to-text';
import type { Channel, NotificationContent, TemplateContent, TemplateParts } from '../../db/schema';
import { BUILT_IN_LAYOUTS } from './built-ins';
import { RenderError, renderPart } from './liquid-engine';

/** `es-MX` → [`es-MX`, `es`, default]: the recipient's locale, its language, then the template default. */
export function localeChain(requested: string | null | undefined, defaultLocale: string): string[] {
  const chain: string[] = [];
  if (requested) {
    chain.push(requested);
    const language = requested.split('-')[0]!;
    if (language !== requested) chain.push(language);
  }
  chain.push(defaultLocale);
  return [...new Set(chain)];
}

/** The first locale in the chain that has a part for `channel`. */
export function pickLocale(
  content: TemplateContent,
  channel: keyof TemplateParts,
  requested: string | null | undefined,
) {
  for (const locale of localeChain(requested, content.defaultLocale)) {
    const parts = content.locales[locale];
    if (parts?.[channel]) return { locale, parts: parts[channel]! };
  }
  return null;
}

/** Built-in layouts only (tenant layouts are added by callers that load them). */
function builtInLayout(key: string) {
  const source = BUILT_IN_LAYOUTS[key];
  return source === undefined ? undefined : { source, cacheKey: `builtin:${key}` };
}

/** The slot is written `{{ content }}`; it holds HTML already escaped by the template, so it must not be escaped again. */
const SLOT = /\{\{\s*content\s*\}\}/g;

async function applyLayout(
  key: string | null | undefined,
  html: string,
  data: Record<string, unknown>,
  layoutSource: (key: string) => { source: string; cacheKey: string | null } | undefined,
): Promise<string> {
  if (key === null) return html;
  const layout = layoutSource(key ?? 'default');
  if (!layout) throw new RenderError(`unknown layout '${key}'`);
  return renderPart(
    layout.source.replace(SLOT, '{{ content | raw }}'),
    { ...data, content: html },
    {
      html: true,
      cacheKey: layout.cacheKey ? `layout:${layout.cacheKey}` : null,
    },
  );
}

/** Header fields must be single lines: CR, LF or NUL in a rendered subject would inject headers. */
function headerSafe(value: string, field: string): string {
  if (/[\r\n\0]/.test(value)) throw new RenderError(`rendered ${field} contains a line break or NUL`);
  return value;
}

function parseJsonPart(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RenderError(`rendered ${field} is not valid JSON`);
  }
}

/**
 * Renders a template version for one channel and recipient locale into the content a provider sends. Text parts
 * fall back to a plain version of the HTML. Throws RenderError for a template that cannot render safely.
 */
export async function renderTemplate(
  content: TemplateContent,
  channel: Channel,
  requestedLocale: string | null | undefined,
  data: Record<string, unknown>,
  cacheKey: string | null,
  layoutSource: (key: string) => { source: string; cacheKey: string | null } | undefined = builtInLayout,
): Promise<{ locale: string; content: NotificationContent }> {
  const picked = pickLocale(content, channel, requestedLocale);
  if (!picked) throw new RenderError(`template has no ${channel} part`);
  const key = (part: string) => (cacheKey ? `${cacheKey}:${picked.locale}:${channel}:${part}` : null);
  const text = (source: string | undefined, part: string) =>
    source === undefined ? Promise.resolve(undefined) : renderPart(source, data, { html: false, cacheKey: key(part) });
  const out: NotificationContent = {};
  switch (channel) {
    case 'email': {
      const p = picked.parts as NonNullable<TemplateParts['email']>;
      const html =
        p.html === undefined ? undefined : await renderPart(p.html, data, { html: true, cacheKey: key('html') });
      const subject = await text(p.subject, 'subject');
      if (subject !== undefined) out.subject = headerSafe(subject, 'subject');
      if (html !== undefined)
        out.html = await applyLayout(content.layout, html, { ...data, subject, locale: picked.locale }, layoutSource);
      out.text = (await text(p.text, 'text')) ?? (html ? htmlToText(html) : '');
      break;
    }
    case 'sms': {
      const p = picked.parts as NonNullable<TemplateParts['sms']>;
      out.text = (await text(p.text, 'text')) ?? '';
      break;
    }
    case 'push': {
      const p = picked.parts as NonNullable<TemplateParts['push']>;
      const title = await text(p.title, 'title');
      const body = await text(p.body, 'body');
      if (title !== undefined) out.title = title;
      if (body !== undefined) out.body = body;
      if (p.data) {
        const entries = await Promise.all(
          Object.entries(p.data).map(async ([k, v]) => [
            k,
            await renderPart(v, data, { html: false, cacheKey: key(`data.${k}`) }),
          ]),
        );
        out.data = Object.fromEntries(entries);
      }
      break;
    }
    case 'chat': {
      const p = picked.parts as NonNullable<TemplateParts['chat']>;
      const rendered = await text(p.text, 'text');
      if (rendered !== undefined) out.text = rendered;
      if (p.blocks)
        out.data = {
          blocks: parseJsonPart(await renderPart(p.blocks, data, { html: false, cacheKey: key('blocks') }), 'blocks'),
        };
      break;
    }
    case 'in_app': {
      const p = picked.parts as NonNullable<TemplateParts['in_app']>;
      const title = await text(p.title, 'title');
      const body = await text(p.body, 'body');
      const actionUrl = (await text(p.actionUrl, 'actionUrl'))?.trim();
      if (title !== undefined) out.title = title;
      if (body !== undefined) out.body = body;
      if (actionUrl) {
        // Rendered from data, so checked here: the inbox must never link to javascript: or data: URLs.
        if (!/^https?:\/\/[^\s]+$/i.test(actionUrl))
          throw new RenderError('in_app actionUrl must render to an http(s) URL');
        out.actionUrl = actionUrl;
      }
      break;
    }
    case 'webhook': {
      const p = picked.parts as NonNullable<TemplateParts['webhook']>;
      if (p.payload) {
        const payload = parseJsonPart(
          await renderPart(p.payload, data, { html: false, cacheKey: key('payload') }),
          'payload',
        );
        out.data = { payload };
      }
      break;
    }
  }
  return { locale: picked.locale, content: out };
}

/** Dotted paths (`order.id`) a template requires that `data` lacks (null and "" count as missing). */
export function missingVariables(required: string[], data: Record<string, unknown>): string[] {
  return required.filter((path) => {
    let value: unknown = data;
    for (const segment of path.split('.')) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return true;
      value = (value as Record<string, unknown>)[segment];
    }
    return value === undefined || value === null || value === '';
  });
}

/** Channels a template can render (has a part in its default locale or any locale). */
export function templateChannels(content: TemplateContent): Set<Channel> {
  const channels = new Set<Channel>();
  for (const parts of Object.values(content.locales)) {
    for (const c of Object.keys(parts)) channels.add(c as Channel);
  }
  return channels;
}
