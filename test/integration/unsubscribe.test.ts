import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { allDeliveries, receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

async function marketingMail(t: { key: string }, email: string, category = 'marketing') {
  const res = await api('POST', '/v1/notifications', {
    key: t.key,
    body: { to: 'lee', category, content: { subject: 'Deals', text: 'x' } },
  });
  return waitForNotification(t.key, res.body.id, (n) => !['queued', 'sending'].includes(n.deliveries[0].status)).then(
    async (n) => ({
      n,
      mail: (await receivedMail(email)).at(-1),
    }),
  );
}

describe('one-click unsubscribe (RFC 8058)', () => {
  it('non-critical emails carry List-Unsubscribe + One-Click; POST opts out at once; GET only shows a page', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/categories', { key: t.key, body: { key: 'security', name: 'Security', critical: true } });
    const email = `${uniqueName('lee')}@example.test`;
    await api('PUT', '/v1/subscribers/lee', { key: t.key, body: { email } });
    const { mail } = await marketingMail(t, email);
    expect(mail!.rawHeaders['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail!.headers.from).toContain('"name":"Notifykit Tests"');
    const link = /<(http:\/\/api\.test\/u\/[^>]+)>/.exec(mail!.rawHeaders['list-unsubscribe']!)?.[1];
    expect(link).toBeDefined();
    const path = new URL(link!).pathname;

    const shown = await api('GET', path);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('method="post"');
    expect((await api('GET', '/v1/subscribers/lee/preferences', { key: t.key })).body.preferences).toEqual({});

    const done = await api('POST', path, {
      rawBody: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(done.status).toBe(200);
    expect(done.body).toContain('unsubscribed');
    expect((await api('GET', '/v1/subscribers/lee/preferences', { key: t.key })).body.preferences).toEqual({
      categories: { marketing: { enabled: false } },
    });
    const after = await marketingMail(t, email);
    expect(after.n.deliveries[0]).toMatchObject({
      status: 'suppressed',
      lastError: { code: 'preference_category_opted_out' },
    });

    // Critical mail still arrives, and carries no unsubscribe link.
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: 'lee', category: 'security', content: { subject: 'Login', text: 'x' } },
    });
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const critical = (await receivedMail(email)).find((m) => m.subject === 'Login');
    expect(critical!.rawHeaders['list-unsubscribe']).toBeUndefined();
  });

  it('forged, tampered and expired links are refused and change nothing', async () => {
    const t = await createLiveTenant();
    const email = `${uniqueName('lee')}@example.test`;
    await api('PUT', '/v1/subscribers/lee', { key: t.key, body: { email } });
    const { mail } = await marketingMail(t, email);
    const token = /\/u\/([^>]+)>/.exec(mail!.rawHeaders['list-unsubscribe']!)![1]!;
    const forged = await new SignJWT({ ...decodeJwt(token) })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('y'.repeat(32)));
    for (const bad of [forged, `${token.slice(0, -3)}abc`, 'garbage']) {
      const res = await api('POST', `/u/${bad}`);
      expect(res.status).toBe(400);
      expect(res.body).toContain('not valid');
    }
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 400 * 86_400_000 });
    try {
      expect((await api('POST', `/u/${token}`)).status).toBe(400);
    } finally {
      vi.useRealTimers();
    }
    expect((await api('GET', '/v1/subscribers/lee/preferences', { key: t.key })).body.preferences).toEqual({});
  });
});
