import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
// Bundled as text (wrangler.toml [[rules]] for inbox-client/): hashed here so its one inline script may run.
import inboxDemoHtml from '../../inbox-client/demo.html';
import type { AppEnv } from '../context';

type Sources = Partial<Record<'scriptSrc' | 'styleSrc' | 'imgSrc' | 'connectSrc', string[]>>;

/**
 * Headers for an HTML page we serve (the API reference, the inbox demo): a Content-Security-Policy that starts from
 * nothing and allows this origin only — no CDN, no other host — plus what the page itself needs (`sources`), never
 * framed by another site, no referrer leaving it. HSTS is left to apiSecurityHeaders, which knows the environment.
 */
export function pageSecurityHeaders(sources: Sources = {}): MiddlewareHandler<AppEnv> {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      ...sources,
    },
    xFrameOptions: 'DENY',
    strictTransportSecurity: false,
  });
}

/** `'sha256-…'` sources for each inline `<script>` of a page, so CSP lets exactly those run and nothing injected. */
export async function inlineScriptHashes(html: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script\b(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(match[1]));
    hashes.push(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
  }
  return hashes;
}

let inboxDemoHeaders: MiddlewareHandler<AppEnv> | undefined;

/**
 * `/demo/inbox`: its own inline module script (by hash), the SDK from this origin, its socket and fetches to this
 * origin. Styles inline: the page's `<style>` block and the one the SDK adds when it mounts.
 */
export const inboxDemoPageSecurity: MiddlewareHandler<AppEnv> = async (c, next) => {
  inboxDemoHeaders ??= pageSecurityHeaders({
    scriptSrc: ["'self'", ...(await inlineScriptHashes(inboxDemoHtml))],
    styleSrc: ["'unsafe-inline'"],
  });
  return inboxDemoHeaders(c, next);
};
