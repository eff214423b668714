import { describe, expect, it } from 'vitest';
import { api } from '../helpers/api';

describe('in-app inbox browser client', () => {
  it('serves the SDK as a JavaScript module that exports mountInbox, cacheable and importable cross-origin', async () => {
    const res = await api<string>('GET', '/sdk/inbox.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    // The file itself, not a bundled module: the Worker serves it as text.
    expect(res.body).toMatch(/^export function mountInbox\(element, \{ baseUrl, token/m);
    expect(res.body).toContain(`const PING = '{"type":"ping"}';`);
  });

  it('serves the demo page, which imports the SDK and reads the token from the URL fragment', async () => {
    const res = await api<string>('GET', '/demo/inbox');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain("import { mountInbox } from '/sdk/inbox.js';");
    expect(res.body).toContain('location.hash');
  });
});
