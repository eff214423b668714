import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';

/**
 * The API reference is served whole by the Worker (issue 19, item 2): the page, its start-up script, and Swagger
 * UI's own files from the pinned swagger-ui-dist package, as text. The browser project renders it offline
 * (test/browser/docs.test.ts).
 */
describe('/docs', () => {
  it('links only files of this origin, and each is served with its type', async () => {
    const page = await api<string>('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const links = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(links.filter((l) => l !== 'data:,').every((l) => l.startsWith('/'))).toBe(true);
    const files = links.filter((l) => l.startsWith('/docs/'));
    expect(files).toHaveLength(3);

    const served = new Map<string, { type: string | null; cache: string | null; body: string }>();
    for (const file of files) {
      const res = await api<string>('GET', file);
      expect(res.status, file).toBe(200);
      served.set(file.split('/').pop()!, {
        type: res.headers.get('content-type'),
        cache: res.headers.get('cache-control'),
        body: res.body,
      });
    }
    const bundle = served.get('swagger-ui-bundle.js')!;
    expect(bundle.type).toBe('text/javascript; charset=utf-8');
    // The file as it ships (a webpack UMD that defines window.SwaggerUIBundle), not a module bundled into the Worker.
    expect(bundle.body).toMatch(/^\/\*! For license information please see swagger-ui-bundle\.js\.LICENSE\.txt \*\//);
    expect(bundle.body).toContain('SwaggerUIBundle');
    expect(bundle.body.length).toBeGreaterThan(1_000_000);
    expect(bundle.cache).toBe('public, max-age=31536000, immutable');
    const css = served.get('swagger-ui.css')!;
    expect(css.type).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.swagger-ui');
    expect(css.body).not.toMatch(/url\((["']?)(https?:)?\/\//);
    const init = served.get('init.js')!;
    expect(init.type).toBe('text/javascript; charset=utf-8');
    expect(init.body).toContain("url: '/openapi.json'");
    expect(init.body).toContain('validatorUrl: null');
  });

  it('the asset path names the pinned version', async () => {
    const page = await api<string>('GET', '/docs');
    const { version } = await import('swagger-ui-dist/package.json');
    expect(page.body).toContain(`/docs/swagger-ui/${version}/swagger-ui-bundle.js`);
  });
});
