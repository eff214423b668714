import { describe, expect, it } from 'vitest';
import { api, createTenant, expectEnvelope, type TestTenant } from '../helpers/api';

/**
 * A reference to an object the tenant does not have is refused when it is saved (422 `validation_failed`, the
 * detail naming the field), not accepted and then failed on every send or run. Another tenant's object is as
 * unknown as one nobody has.
 */

const template = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  name: key,
  locales: { en: { email: { subject: 'Hi', html: '<p>Hi</p>' } } },
  ...extra,
});

const layout = (t: TestTenant, key: string) =>
  api('PUT', `/v1/layouts/${key}`, { key: t.key, body: { name: key, html: '<main>{{ content }}</main>' } });

function expectDetail(res: Awaited<ReturnType<typeof api>>, path: string, code: string) {
  const error = expectEnvelope(res, 422, 'validation_failed');
  expect(error.details).toContainEqual(expect.objectContaining({ path, code }));
}

describe('template layouts must exist', () => {
  it('create: an unknown or another tenant’s layout → 422 body.layout unknown_layout, nothing stored', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await layout(b, 'brand');
    for (const key of ['missing', 'brand']) {
      const res = await api('POST', '/v1/templates', { key: a.key, body: template('t1', { layout: key }) });
      expectDetail(res, 'body.layout', 'unknown_layout');
      expect(JSON.stringify(res.body)).not.toContain(b.tenantId);
    }
    expectEnvelope(await api('GET', '/v1/templates/t1', { key: a.key }), 404, 'not_found');

    // Its own layout, the built-in default, none at all, and absent (= default) are all fine.
    await layout(a, 'own');
    for (const [key, extra] of [
      ['own-layout', { layout: 'own' }],
      ['builtin', { layout: 'default' }],
      ['bare', { layout: null }],
      ['implicit', {}],
    ] as const) {
      expect((await api('POST', '/v1/templates', { key: a.key, body: template(key, extra) })).status).toBe(201);
    }
  });

  it('update: PATCH to an unknown layout → 422 and the draft keeps its layout', async () => {
    const t = await createTenant();
    await layout(t, 'brand');
    await api('POST', '/v1/templates', { key: t.key, body: template('news', { layout: 'brand' }) });
    expectDetail(
      await api('PATCH', '/v1/templates/news', { key: t.key, body: { layout: 'gone' } }),
      'body.layout',
      'unknown_layout',
    );
    const row = await api('GET', '/v1/templates/news', { key: t.key });
    expect(row.status).toBe(200);
    const preview = await api('POST', '/v1/templates/news/preview', { key: t.key, body: { channel: 'email' } });
    expect(preview.body.content.html).toBe('<main><p>Hi</p></main>');
    expect((await api('PATCH', '/v1/templates/news', { key: t.key, body: { layout: null } })).status).toBe(200);
  });

  it('publish: a draft (or a rolled-back version) whose layout was deleted since → 422 unknown_layout', async () => {
    const t = await createTenant();
    await layout(t, 'brand');
    await api('POST', '/v1/templates', { key: t.key, body: template('promo', { layout: 'brand' }) });
    expect((await api('POST', '/v1/templates/promo/publish', { key: t.key })).body.publishedVersion).toBe(1);
    expect((await api('DELETE', '/v1/layouts/brand', { key: t.key })).status).toBe(204);

    expectDetail(await api('POST', '/v1/templates/promo/publish', { key: t.key }), 'draft.layout', 'unknown_layout');
    expectDetail(
      await api('POST', '/v1/templates/promo/publish', { key: t.key, body: { version: 1 } }),
      'version.layout',
      'unknown_layout',
    );
    // Once the layout exists again, publishing works.
    await layout(t, 'brand');
    expect((await api('POST', '/v1/templates/promo/publish', { key: t.key })).body.publishedVersion).toBe(2);
  });
});

describe('schedules must name a template and topic the tenant has', () => {
  const schedule = (extra: Record<string, unknown>) => ({
    name: 'digest',
    timezone: 'UTC',
    cron: '0 9 * * 1',
    to: ['ada'],
    // Out of reach of the cron runs other test files make at the real time.
    startAt: '2027-01-01T00:00:00Z',
    ...extra,
  });

  it('create: unknown, other tenant’s, unpublished template, missing version, unknown topic → 422 naming the field', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('POST', '/v1/templates', { key: b.key, body: template('theirs') });
    await api('POST', '/v1/templates/theirs/publish', { key: b.key });
    await api('POST', '/v1/topics', { key: b.key, body: { key: 'their-topic' } });
    await api('POST', '/v1/templates', { key: a.key, body: template('draft-only') });
    await api('POST', '/v1/templates', { key: a.key, body: template('ready') });
    await api('POST', '/v1/templates/ready/publish', { key: a.key });

    const refused: [Record<string, unknown>, string, string][] = [
      [{ template: 'nope' }, 'body.template', 'unknown_template'],
      [{ template: 'theirs' }, 'body.template', 'unknown_template'],
      [{ template: 'draft-only' }, 'body.template', 'template_not_published'],
      [{ template: 'ready', templateVersion: 7 }, 'body.templateVersion', 'unknown_template_version'],
      [{ template: 'ready', to: { topic: 'nope' } }, 'body.to.topic', 'unknown_topic'],
      [{ template: 'ready', to: { topic: 'their-topic' } }, 'body.to.topic', 'unknown_topic'],
    ];
    for (const [extra, path, code] of refused) {
      expectDetail(await api('POST', '/v1/schedules', { key: a.key, body: schedule(extra) }), path, code);
    }
    expect((await api('GET', '/v1/schedules', { key: a.key })).body.data).toEqual([]);

    // Subscriber ids stay soft references: the subscriber may be created before the first run.
    const ok = await api('POST', '/v1/schedules', { key: a.key, body: schedule({ template: 'ready' }) });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    await api('DELETE', `/v1/schedules/${ok.body.id}`, { key: a.key });
  });

  it('update: a PATCH to an unknown template or topic → 422 and the schedule is unchanged', async () => {
    const t = await createTenant();
    const created = await api('POST', '/v1/schedules', {
      key: t.key,
      body: schedule({ content: { subject: 'Digest', text: 'news' } }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expectDetail(
      await api('PATCH', `/v1/schedules/${id}`, { key: t.key, body: { template: 'nope' } }),
      'body.template',
      'unknown_template',
    );
    expectDetail(
      await api('PATCH', `/v1/schedules/${id}`, { key: t.key, body: { to: { topic: 'nope' } } }),
      'body.to.topic',
      'unknown_topic',
    );
    const after = await api('GET', `/v1/schedules/${id}`, { key: t.key });
    expect(after.body.send).toMatchObject({ to: ['ada'], content: { subject: 'Digest', text: 'news' } });
    expect(after.body.send.template).toBeUndefined();
    // An edit that touches no reference is not refused.
    expect((await api('PATCH', `/v1/schedules/${id}`, { key: t.key, body: { name: 'renamed' } })).status).toBe(200);
    await api('DELETE', `/v1/schedules/${id}`, { key: t.key });
  });
});

describe('a send to a topic checks its template as a schedule does (one check, domain/templates)', () => {
  it('unknown, unpublished, or a pinned version that does not exist → 422 naming the field, no broadcast', async () => {
    const t = await createTenant();
    await api('POST', '/v1/topics', { key: t.key, body: { key: 'news', name: 'News' } });
    await api('POST', '/v1/templates', { key: t.key, body: template('draft-only') });
    await api('POST', '/v1/templates', { key: t.key, body: template('ready') });
    await api('POST', '/v1/templates/ready/publish', { key: t.key });
    const refused: [Record<string, unknown>, string, string][] = [
      [{ template: 'nope' }, 'body.template', 'unknown_template'],
      [{ template: 'draft-only' }, 'body.template', 'template_not_published'],
      [{ template: 'ready', templateVersion: 7 }, 'body.templateVersion', 'unknown_template_version'],
    ];
    for (const [extra, path, code] of refused) {
      const body = { to: { topic: 'news' }, ...extra };
      expectDetail(await api('POST', '/v1/notifications', { key: t.key, body }), path, code);
    }
    expect((await api('GET', '/v1/broadcasts', { key: t.key })).body.data).toEqual([]);
  });
});
