import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope } from '../helpers/api';
import { asSubscriber, inboxToken, sendInApp } from '../helpers/inbox';
import { allDeliveries, receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

/** A click as a mail client makes it, without following the redirect. */
const click = (url: string) =>
  exports.default.fetch(new Request(url, { redirect: 'manual', headers: { 'cf-connecting-ip': '10.9.9.9' } }));

/** A path on the worker taken from an absolute tracking URL (PUBLIC_BASE_URL is http://api.test in tests). */
const pathOf = (url: string) => url.replace('http://api.test', '');

async function sendTrackedEmail(key: string, to: string) {
  const res = await api('POST', '/v1/notifications', {
    key,
    body: {
      to: { email: to },
      content: {
        subject: 'Your order',
        text: 'See https://shop.test/orders/1',
        html: '<html><body><p><a href="https://shop.test/orders/1">Order</a> · <a href=\'https://shop.test/q?a=1&amp;b=2\'>Track</a> · <a href="mailto:help@shop.test">Help</a></p></body></html>',
      },
    },
  });
  expect(res.status).toBe(202);
  const done = await waitForNotification(key, res.body.id, allDeliveries('sent'));
  const [mail] = await receivedMail(to);
  return { notificationId: res.body.id as string, delivery: done.deliveries[0], html: mail!.html! };
}

describe('engagement tracking', () => {
  it('email: the open pixel and click redirects record once per delivery, and only known links redirect', async () => {
    const t = await createLiveTenant('tracking');
    const to = `${uniqueName('track')}@example.test`;
    const { notificationId, html } = await sendTrackedEmail(t.key, to);
    const clicks = [...html.matchAll(/href=["'](http:\/\/api\.test\/t\/c\/[^"']+)["']/g)].map((m) => m[1]!);
    const hrefs = [...html.matchAll(/href=["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(clicks).toHaveLength(2);
    expect(hrefs).toContain('mailto:help@shop.test'); // not http(s): untouched
    expect(hrefs.some((h) => h.startsWith('https://shop.test'))).toBe(false);
    const pixel = /<img src="(http:\/\/api\.test\/t\/o\/[^"]+\.gif)"/.exec(html)?.[1];
    expect(pixel).toBeDefined();

    const open = await api('GET', pathOf(pixel!));
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toBe('image/gif');
    await api('GET', pathOf(pixel!));
    const first = await click(clicks[0]!);
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe('https://shop.test/orders/1');
    const second = await click(clicks[1]!);
    expect(second.headers.get('location')).toBe('https://shop.test/q?a=1&b=2');

    const n = await api('GET', `/v1/notifications/${notificationId}`, { key: t.key });
    expect(n.body.deliveries[0].engagement).toMatchObject({
      opens: 2,
      clicks: 2,
      firstOpenedAt: expect.any(String),
      firstClickedAt: expect.any(String),
    });

    // Forged signature, another link index under a valid signature, a pixel token used as a link: all 404.
    const token = clicks[0]!.split('/t/c/')[1]!;
    const [id, , sig] = token.split('.');
    const forged = `${id}.0.${sig!.slice(0, -2)}AA`;
    expectEnvelope(await api('GET', `/t/c/${forged}`), 404, 'not_found');
    expectEnvelope(await api('GET', `/t/c/${id}.7.${sig}`), 404, 'not_found');
    expectEnvelope(await api('GET', `/t/c/${pixel!.split('/t/o/')[1]!.replace('.gif', '')}`), 404, 'not_found');
    expectEnvelope(await api('GET', '/t/c/https%3A%2F%2Fevil.test'), 404, 'not_found');
    expectEnvelope(await api('GET', `/t/o/${id}.o.${'A'.repeat(22)}.gif`), 404, 'not_found');
  });

  it('a tenant can turn tracking off; the email then goes out untouched', async () => {
    const t = await createLiveTenant('tracking-off');
    await api('PATCH', '/v1/usage/settings', { key: t.key, body: { trackOpens: false, trackClicks: false } });
    const { html } = await sendTrackedEmail(t.key, `${uniqueName('plain')}@example.test`);
    expect(html).toContain('href="https://shop.test/orders/1"');
    expect(html).not.toContain('/t/o/');
  });

  it('in-app: seen counts as opened and read as clicked, once per message', async () => {
    const t = await createTenant('tracking-inbox');
    const token = await inboxToken(t.key, 'kim');
    const notificationId = await sendInApp(t.key, 'kim', { title: 'Hi' });
    await waitForNotification(t.key, notificationId, allDeliveries('sent'));
    const [message] = (await api('GET', '/v1/inbox', { headers: asSubscriber(token) })).body.data;
    for (const state of ['read', 'unread', 'unseen', 'seen', 'read']) {
      const res = await api('POST', '/v1/inbox/mark', {
        headers: asSubscriber(token),
        body: { ids: [message.id], state },
      });
      expect(res.status).toBe(200);
    }
    const n = await api('GET', `/v1/notifications/${notificationId}`, { key: t.key });
    expect(n.body.deliveries[0].engagement).toMatchObject({ opens: 1, clicks: 1 });
  });
});
