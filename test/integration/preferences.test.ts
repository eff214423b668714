import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope } from '../helpers/api';
import { allDeliveries, receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

describe('categories and subscriber preferences', () => {
  it('opt-outs suppress with the reason recorded; critical categories bypass them', async () => {
    const t = await createLiveTenant();
    expect(
      (await api('POST', '/v1/categories', { key: t.key, body: { key: 'security', name: 'Security', critical: true } }))
        .status,
    ).toBe(201);
    await api('POST', '/v1/categories', { key: t.key, body: { key: 'marketing', name: 'Marketing' } });
    expectEnvelope(
      await api('POST', '/v1/categories', { key: t.key, body: { key: 'marketing', name: 'Again' } }),
      409,
      'conflict',
    );
    const email = `${uniqueName('pref')}@example.test`;
    await api('PUT', '/v1/subscribers/pat', { key: t.key, body: { email } });
    const put = await api('PUT', '/v1/subscribers/pat/preferences', {
      key: t.key,
      body: { categories: { marketing: { enabled: false } }, channels: { sms: false } },
    });
    expect(put.status).toBe(200);
    expect((await api('GET', '/v1/subscribers/pat/preferences', { key: t.key })).body.preferences).toEqual({
      categories: { marketing: { enabled: false } },
      channels: { sms: false },
    });

    const send = (category: string) =>
      api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: 'pat', category, content: { subject: category, text: 'x' } },
      });
    const marketing = await send('marketing');
    const blocked = await waitForNotification(t.key, marketing.body.id, allDeliveries('suppressed'));
    expect(blocked.deliveries[0].lastError).toEqual({
      code: 'preference_category_opted_out',
      message: 'the subscriber turned this category off',
    });
    expect(blocked.deliveries[0].attempts).toEqual([]);

    await api('PUT', '/v1/subscribers/pat/preferences', { key: t.key, body: { optOut: true } });
    const orders = await send('orders');
    expect(
      (await waitForNotification(t.key, orders.body.id, allDeliveries('suppressed'))).deliveries[0].lastError.code,
    ).toBe('preference_opted_out');
    const security = await send('security');
    await waitForNotification(t.key, security.body.id, allDeliveries('sent'));
    expect((await receivedMail(email)).map((m) => m.subject)).toEqual(['security']);
  });

  it('validation and isolation: bad channels → 422; unknown subscriber and other tenants → 404', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('PUT', '/v1/subscribers/sam', { key: a.key, body: {} });
    expectEnvelope(
      await api('PUT', '/v1/subscribers/sam/preferences', { key: a.key, body: { channels: { pigeon: false } } }),
      422,
      'validation_failed',
    );
    expectEnvelope(await api('GET', '/v1/subscribers/nobody/preferences', { key: a.key }), 404, 'not_found');
    expectEnvelope(await api('GET', '/v1/subscribers/sam/preferences', { key: b.key }), 404, 'not_found');
    expectEnvelope(
      await api('PUT', '/v1/subscribers/sam/preferences', { key: b.key, body: { optOut: true } }),
      404,
      'not_found',
    );
    await api('POST', '/v1/categories', { key: a.key, body: { key: 'news', name: 'News' } });
    expect((await api('GET', '/v1/categories', { key: b.key })).body.data).toEqual([]);
  });
});
