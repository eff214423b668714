import { describe, expect, it } from 'vitest';
import { api, createKey, createTenant, expectEnvelope } from '../helpers/api';

/** A template with a part for every channel but email and sms (those are covered in templates.test.ts). */
const multi = {
  key: 'order-shipped',
  name: 'Order shipped',
  defaultLocale: 'en',
  variables: ['order'],
  locales: {
    en: {
      push: {
        title: 'Order {{ order.id }} shipped',
        body: 'Hi {{ name }}, it arrives {{ order.eta }}',
        data: { orderId: '{{ order.id }}', deepLink: 'shop://orders/{{ order.id }}' },
      },
      chat: {
        text: 'Order {{ order.id }} shipped',
        blocks: '[{"type":"section","text":{"type":"mrkdwn","text":"*{{ order.id }}* ships {{ order.eta }}"}}]',
      },
      in_app: {
        title: 'Shipped',
        body: '{{ order.id }} is on its way',
        actionUrl: ' https://shop.test/o/{{ order.id }} ',
      },
    },
  },
};

const preview = (key: string, template: string, body: Record<string, unknown>) =>
  api('POST', `/v1/templates/${template}/preview`, { key, body });

describe('templates for push, chat and in-app', () => {
  it('push renders title, body and every data value; chat renders text and parses its Block Kit blocks', async () => {
    const t = await createTenant();
    expect((await api('POST', '/v1/templates', { key: t.key, body: multi })).status).toBe(201);
    const data = { name: 'Ada', order: { id: 'A-17', eta: 'Friday' } };

    const push = await preview(t.key, 'order-shipped', { channel: 'push', data });
    expect(push.status).toBe(200);
    expect(push.body).toEqual({
      channel: 'push',
      locale: 'en',
      content: {
        title: 'Order A-17 shipped',
        body: 'Hi Ada, it arrives Friday',
        data: { orderId: 'A-17', deepLink: 'shop://orders/A-17' },
      },
    });

    const chat = await preview(t.key, 'order-shipped', { channel: 'chat', data });
    expect(chat.body.content).toEqual({
      text: 'Order A-17 shipped',
      data: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*A-17* ships Friday' } }] },
    });

    const inApp = await preview(t.key, 'order-shipped', { channel: 'in_app', data });
    expect(inApp.body.content).toEqual({
      title: 'Shipped',
      body: 'A-17 is on its way',
      actionUrl: 'https://shop.test/o/A-17',
    });
  });

  it('chat blocks that do not render to JSON, and an in-app link that is not http(s), are a 422 naming the part', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: {
        key: 'broken',
        name: 'Broken',
        locales: {
          en: {
            chat: { blocks: '[{"type":"section","text":"{{ note }}"' },
            in_app: { title: 'x', actionUrl: '{{ link }}' },
          },
        },
      },
    });
    const chat = expectEnvelope(
      await preview(t.key, 'broken', { channel: 'chat', data: { note: 'hi' } }),
      422,
      'validation_failed',
    );
    expect(chat.message).toMatch(/blocks is not valid JSON/);
    expect(chat.details).toEqual([{ path: 'template', message: chat.message, code: 'render_error' }]);

    const js = expectEnvelope(
      await preview(t.key, 'broken', { channel: 'in_app', data: { link: 'javascript:alert(1)' } }),
      422,
      'validation_failed',
    );
    expect(js.message).toMatch(/actionUrl must render to an http\(s\) URL/);
  });

  it('include, render and layout tags cannot read files: the template fails to render', async () => {
    const t = await createTenant();
    for (const [i, source] of [
      "{% include 'secrets.txt' %}",
      "{% render '../../wrangler.toml' %}",
      "{% layout 'base' %}x",
    ].entries()) {
      const key = `fs-${i}`;
      const created = await api('POST', '/v1/templates', {
        key: t.key,
        body: { key, name: key, locales: { en: { sms: { text: source } } } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const res = await preview(t.key, key, { channel: 'sms' });
      const error = expectEnvelope(res, 422, 'validation_failed');
      expect(error.details![0]!.code).toBe('render_error');
      // liquidjs finds no root to look the file up in (the no-file-system fs is the second line of defence)
      expect(error.message).toMatch(/^templates? (failed to render|does not parse|cannot include files)/);
    }
  });
});

describe('template versions and deletion', () => {
  it('preview renders a published version rather than the draft; an unknown version is 404', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'otp', name: 'OTP', locales: { en: { sms: { text: 'v1 code {{ code }}' } } } },
    });
    await api('POST', '/v1/templates/otp/publish', { key: t.key });
    await api('PATCH', '/v1/templates/otp', {
      key: t.key,
      body: { locales: { en: { sms: { text: 'draft {{ code }}' } } } },
    });

    const draft = await preview(t.key, 'otp', { channel: 'sms', data: { code: '42' } });
    expect(draft.body.content).toEqual({ text: 'draft 42' });
    const v1 = await preview(t.key, 'otp', { channel: 'sms', version: 1, data: { code: '42' } });
    expect(v1.body.content).toEqual({ text: 'v1 code 42' });
    const missing = expectEnvelope(await preview(t.key, 'otp', { channel: 'sms', version: 2 }), 404, 'not_found');
    expect(missing.message).toMatch(/Version 2/);
  });

  it('DELETE removes the template and its versions: 204, then 404, sends naming it are 422, the key is free again, audited', async () => {
    const t = await createTenant();
    const body = { key: 'bye', name: 'Bye', locales: { en: { sms: { text: 'Bye {{ name }}' } } } };
    await api('POST', '/v1/templates', { key: t.key, body });
    await api('POST', '/v1/templates/bye/publish', { key: t.key });

    const del = await api('DELETE', '/v1/templates/bye', { key: t.key });
    expect(del.status).toBe(204);
    expect(del.body).toBe('');
    expectEnvelope(await api('GET', '/v1/templates/bye', { key: t.key }), 404, 'not_found');
    expectEnvelope(await api('GET', '/v1/templates/bye/versions', { key: t.key }), 404, 'not_found');
    expectEnvelope(await api('DELETE', '/v1/templates/bye', { key: t.key }), 404, 'not_found');
    expect((await api('GET', '/v1/templates', { key: t.key })).body.data).toEqual([]);

    const send = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: '+14155550123' }, template: 'bye', data: { name: 'x' } },
    });
    expectEnvelope(send, 422, 'validation_failed');

    const again = await api('POST', '/v1/templates', { key: t.key, body });
    expect(again.status).toBe(201);
    expect(again.body.publishedVersion).toBeNull();

    const log = (await api('GET', '/v1/audit-log?limit=100', { key: t.key })).body.data as any[];
    const deleted = log.find((e) => e.action === 'template.deleted');
    expect(deleted).toMatchObject({ targetType: 'template', targetId: 'bye', actorKeyId: t.keyId });
    expect(deleted.requestId).toBe(del.headers.get('x-request-id'));
  });

  it('deleting needs the admin scope', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'keep', name: 'Keep', locales: { en: { sms: { text: 'x' } } } },
    });
    const writer = await createKey(t, ['notifications:write', 'subscribers:write', 'read']);
    expectEnvelope(await api('DELETE', '/v1/templates/keep', { key: writer.key }), 403, 'insufficient_scope');
    expect((await api('GET', '/v1/templates/keep', { key: t.key })).status).toBe(200);
  });
});

describe('send requests naming a template', () => {
  it('content and template together, or templateVersion without template, are a 422 naming the field', async () => {
    const t = await createTenant();
    const both = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: '+14155550123' }, template: 'x', content: { text: 'hi' } },
    });
    expect(expectEnvelope(both, 422, 'validation_failed').details).toContainEqual(
      expect.objectContaining({ path: 'body.content', message: 'send either content or template, not both' }),
    );
    const versionOnly = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { phone: '+14155550123' }, templateVersion: 2, content: { text: 'hi' } },
    });
    expect(expectEnvelope(versionOnly, 422, 'validation_failed').details).toContainEqual(
      expect.objectContaining({ path: 'body.templateVersion', message: 'only with template' }),
    );
    expect((await api('GET', '/v1/notifications', { key: t.key })).body.data).toEqual([]);
  });
});
