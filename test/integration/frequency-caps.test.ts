import { describe, expect, it } from 'vitest';
import { api, createLiveTenant } from '../helpers/api';
import { receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

const done = (n: any) => n.deliveries.every((d: any) => !['queued', 'sending'].includes(d.status));

describe('frequency caps', () => {
  it('over the category cap a delivery ends suppressed (frequency_cap); a subscriber override applies; critical is exempt', async () => {
    const t = await createLiveTenant();
    const cat = await api('POST', '/v1/categories', {
      key: t.key,
      body: { key: 'marketing', name: 'Marketing', frequencyCap: { limit: 2, periodSeconds: 86_400 } },
    });
    expect(cat.body.frequencyCap).toEqual({ limit: 2, periodSeconds: 86_400, onExceed: 'suppress' });
    const email = `${uniqueName('cap')}@example.test`;
    await api('PUT', '/v1/subscribers/fan', { key: t.key, body: { email } });
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: 'fan', category: 'marketing', content: { subject: `promo ${i}`, text: 'x' } },
      });
      const n = await waitForNotification(t.key, res.body.id, done);
      statuses.push(n.deliveries[0].status);
      if (i === 2) expect(n.deliveries[0].lastError.code).toBe('frequency_cap');
    }
    expect(statuses).toEqual(['sent', 'sent', 'suppressed']);
    expect((await receivedMail(email)).length).toBe(2);

    // The subscriber allows themselves only 1 a day: already spent.
    const other = `${uniqueName('cap1')}@example.test`;
    await api('PUT', '/v1/subscribers/picky', { key: t.key, body: { email: other } });
    await api('PUT', '/v1/subscribers/picky/preferences', {
      key: t.key,
      body: { frequencyCaps: { marketing: { limit: 1, periodSeconds: 86_400 } } },
    });
    const results: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: 'picky', category: 'marketing', content: { subject: `p${i}`, text: 'x' } },
      });
      results.push((await waitForNotification(t.key, res.body.id, done)).deliveries[0].status);
    }
    expect(results).toEqual(['sent', 'suppressed']);

    // Critical categories are never capped.
    await api('POST', '/v1/categories', {
      key: t.key,
      body: { key: 'security', name: 'Security', critical: true, frequencyCap: { limit: 1, periodSeconds: 86_400 } },
    });
    const critical: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: 'picky', category: 'security', content: { subject: `s${i}`, text: 'x' } },
      });
      critical.push((await waitForNotification(t.key, res.body.id, done)).deliveries[0].status);
    }
    expect(critical).toEqual(['sent', 'sent']);
  });

  it('a category with onExceed: defer makes over-cap deliveries wait instead', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/categories', {
      key: t.key,
      body: { key: 'digest', name: 'Digest', frequencyCap: { limit: 1, periodSeconds: 3600, onExceed: 'defer' } },
    });
    await api('PUT', '/v1/subscribers/reader', { key: t.key, body: { email: `${uniqueName('d')}@example.test` } });
    const send = () =>
      api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: 'reader', category: 'digest', content: { subject: 'd', text: 'x' } },
      });
    const first = await send();
    await waitForNotification(t.key, first.body.id, done);
    const second = await send();
    const waiting = await waitForNotification(t.key, second.body.id, (n) => n.deliveries[0].deferredUntil !== null);
    expect(waiting.deliveries[0]).toMatchObject({ status: 'queued', lastError: { code: 'deferred_frequency_cap' } });
    expect(new Date(waiting.deliveries[0].deferredUntil).getTime()).toBeGreaterThan(Date.now() + 3000 * 1000);
  });
});
