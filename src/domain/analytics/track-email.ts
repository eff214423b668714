import { signTrackingToken } from './tracking-token';

const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"'\s<>]+)\2/gi;
const MAX_LINKS = 1000;

/**
 * Rewrites an HTML email for engagement tracking: each http(s) link in an `<a href>` becomes a signed
 * `/t/c/{token}` redirect (the originals are returned, stored with the delivery, and are the only possible
 * targets), and a 1×1 open pixel goes before `</body>`. Plain-text parts are left alone.
 */
export async function trackEmailHtml(
  html: string,
  opts: { baseUrl: string; deliveryId: string; secret: Uint8Array; opens: boolean; clicks: boolean },
): Promise<{ html: string; links: string[] }> {
  const links: string[] = [];
  let out = html;
  if (opts.clicks) {
    const matches = [...html.matchAll(HREF)].slice(0, MAX_LINKS);
    const tokens = await Promise.all(matches.map((_, i) => signTrackingToken(opts.secret, opts.deliveryId, i)));
    let i = 0;
    out = html.replace(HREF, (whole, prefix: string, quote: string, url: string) => {
      if (i >= matches.length) return whole;
      links.push(decodeEntities(url));
      return `${prefix}${quote}${opts.baseUrl}/t/c/${tokens[i++]}${quote}`;
    });
  }
  if (opts.opens) {
    const token = await signTrackingToken(opts.secret, opts.deliveryId, 'o');
    const pixel = `<img src="${opts.baseUrl}/t/o/${token}.gif" width="1" height="1" alt="" style="display:none">`;
    out = /<\/body>/i.test(out) ? out.replace(/<\/body>/i, `${pixel}</body>`) : `${out}${pixel}`;
  }
  return { html: out, links };
}

/** Hrefs in HTML escape `&` as `&amp;`: the redirect must go to the URL the reader's browser would have used. */
const decodeEntities = (url: string) => url.replace(/&amp;/g, '&');
