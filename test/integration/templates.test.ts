import { describe, expect, it } from 'vitest';
import { api, createLiveTenant, createTenant, expectEnvelope } from '../helpers/api';
import { allDeliveries, receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

const welcome = {
  key: 'welcome',
  name: 'Welcome',
  defaultLocale: 'en',
  variables: ['product'],
  locales: {
    en: {
      email: {
        subject: 'Welcome to {{ product }}, {{ name }}',
        html: '<h1>Hi {{ name }}</h1><p>{{ product }} is ready.</p>',
      },
      sms: { text: 'Welcome to {{ product }}!' },
    },
    es: { email: { subject: 'Bienvenido a {{ product }}', html: '<h1>Hola {{ name }}</h1>' } },
  },
};

describe('templates API', () => {
  it('create → publish v1 → edit draft → publish v2 → versions → roll back to v1', async () => {
    const t = await createTenant();
    const created = await api('POST', '/v1/templates', { key: t.key, body: welcome });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key: 'welcome', publishedVersion: null });
    expectEnvelope(await api('POST', '/v1/templates', { key: t.key, body: welcome }), 409, 'conflict');

    expect((await api('POST', '/v1/templates/welcome/publish', { key: t.key })).body.publishedVersion).toBe(1);
    const edited = await api('PATCH', '/v1/templates/welcome', {
      key: t.key,
      body: { locales: { en: { email: { subject: 'v2 {{ product }}', html: '<p>v2</p>' } } } },
    });
    expect(edited.body.publishedVersion).toBe(1);
    expect((await api('POST', '/v1/templates/welcome/publish', { key: t.key, body: {} })).body.publishedVersion).toBe(
      2,
    );
    const versions = await api('GET', '/v1/templates/welcome/versions', { key: t.key });
    expect(versions.body.data.map((v: any) => [v.version, v.published])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(versions.body.next).toBeNull();
    // A page at a time, newest first, by the `next` cursor.
    const first = await api('GET', '/v1/templates/welcome/versions?limit=1', { key: t.key });
    expect([first.body.data.map((v: any) => v.version), first.body.next]).toEqual([[2], '2']);
    const second = await api('GET', `/v1/templates/welcome/versions?limit=1&after=${first.body.next}`, { key: t.key });
    expect([second.body.data.map((v: any) => v.version), second.body.next]).toEqual([[1], null]);
    const rolledBack = await api('POST', '/v1/templates/welcome/publish', { key: t.key, body: { version: 1 } });
    expect(rolledBack.body.publishedVersion).toBe(1);
    expectEnvelope(
      await api('POST', '/v1/templates/welcome/publish', { key: t.key, body: { version: 9 } }),
      404,
      'not_found',
    );
    expect((await api('GET', '/v1/templates', { key: t.key })).body.data).toHaveLength(1);
  });

  it('preview renders a channel and locale without sending; bad templates are a clear 422', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', { key: t.key, body: welcome });
    const es = await api('POST', '/v1/templates/welcome/preview', {
      key: t.key,
      body: { channel: 'email', locale: 'es-MX', data: { name: '<Ana>', product: 'Acme' } },
    });
    expect(es.status).toBe(200);
    expect(es.body).toMatchObject({ locale: 'es', content: { subject: 'Bienvenido a Acme', text: 'Hola <Ana>' } });
    expect(es.body.content.html).toContain('<h1>Hola &lt;Ana&gt;</h1>');
    expect(es.body.content.html).toContain('<!DOCTYPE html>');
    const noPart = await api('POST', '/v1/templates/welcome/preview', {
      key: t.key,
      body: { channel: 'push', data: {} },
    });
    expect(expectEnvelope(noPart, 422, 'validation_failed').message).toMatch(/no push part/);
    await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'evil', name: 'Evil', locales: { en: { sms: { text: '{{ name | steal }}' } } } },
    });
    const evil = await api('POST', '/v1/templates/evil/preview', { key: t.key, body: { channel: 'sms' } });
    expect(expectEnvelope(evil, 422, 'validation_failed').message).toMatch(/steal/);
  });

  it('validation: default locale required, bad locale keys, bad variable paths', async () => {
    const t = await createTenant();
    expectEnvelope(
      await api('POST', '/v1/templates', { key: t.key, body: { ...welcome, defaultLocale: 'fr' } }),
      422,
      'validation_failed',
    );
    expectEnvelope(
      await api('POST', '/v1/templates', { key: t.key, body: { ...welcome, key: 'Bad Key' } }),
      422,
      'validation_failed',
    );
    expectEnvelope(
      await api('POST', '/v1/templates', { key: t.key, body: { ...welcome, variables: ['1bad'] } }),
      422,
      'validation_failed',
    );
    expectEnvelope(
      await api('POST', '/v1/templates', { key: t.key, body: { ...welcome, locales: { en_us: welcome.locales.en } } }),
      422,
      'validation_failed',
    );
  });

  it("another tenant's key gets 404 for every template route", async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    await api('POST', '/v1/templates', { key: a.key, body: welcome });
    for (const [method, path, body] of [
      ['GET', '/v1/templates/welcome', undefined],
      ['PATCH', '/v1/templates/welcome', { name: 'x' }],
      ['DELETE', '/v1/templates/welcome', undefined],
      ['POST', '/v1/templates/welcome/publish', {}],
      ['GET', '/v1/templates/welcome/versions', undefined],
      ['POST', '/v1/templates/welcome/preview', { channel: 'email' }],
    ] as const) {
      expectEnvelope(await api(method, path, { key: b.key, body }), 404, 'not_found');
    }
    expect((await api('GET', '/v1/templates', { key: b.key })).body.data).toEqual([]);
    const send = await api('POST', '/v1/notifications', {
      key: b.key,
      body: { to: { email: 'x@b.test' }, template: 'welcome', data: { product: 'x' } },
    });
    expectEnvelope(send, 422, 'validation_failed');
  });
});

describe('sending with a template', () => {
  it('renders per recipient locale in the consumer, records the locale, and the SMTP server gets the rendered email', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/templates', { key: t.key, body: welcome });
    await api('POST', '/v1/templates/welcome/publish', { key: t.key });
    const en = `${uniqueName('en')}@example.test`;
    const es = `${uniqueName('es')}@example.test`;
    await api('PUT', '/v1/subscribers/ana', { key: t.key, body: { email: es, name: 'Ana', locale: 'es-MX' } });
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: ['ana', { email: en, locale: 'en-GB' }],
        template: 'welcome',
        channels: ['email'],
        data: { product: 'Acme', name: 'friend' },
      },
    });
    expect(res.status).toBe(202);
    const done = await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    expect(Object.fromEntries(done.deliveries.map((d: any) => [d.recipient, d.locale]))).toEqual({
      ana: 'es',
      [en]: 'en',
    });
    const [esMail] = await receivedMail(es);
    expect(esMail!.subject).toBe('Bienvenido a Acme');
    const [enMail] = await receivedMail(en);
    expect(enMail!.subject).toBe('Welcome to Acme, friend');
    expect(enMail!.html).toContain('<p>Acme is ready.</p>');
    expect(enMail!.text).toContain('Acme is ready.');
  });

  it('missing required variables → 422 listing them, nothing written; unpublished → 422; pinned version is used', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/templates', { key: t.key, body: welcome });
    const unpublished = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: 'a@b.test' }, template: 'welcome', data: { product: 'x' } },
    });
    expect(expectEnvelope(unpublished, 422, 'validation_failed').details![0]!.message).toMatch(/no published version/);
    await api('POST', '/v1/templates/welcome/publish', { key: t.key });
    const missing = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: { email: 'a@b.test' }, template: 'welcome', data: {} },
    });
    expect(expectEnvelope(missing, 422, 'validation_failed').details).toEqual([
      { path: 'body.data.product', message: 'required by the template', code: 'missing_variable' },
    ]);
    await api('PATCH', '/v1/templates/welcome', {
      key: t.key,
      body: { locales: { en: { email: { subject: 'v2', html: '<p>v2</p>' } } } },
    });
    await api('POST', '/v1/templates/welcome/publish', { key: t.key });
    const to = `${uniqueName('pin')}@example.test`;
    const pinned = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { email: to },
        template: 'welcome',
        templateVersion: 1,
        channels: ['email'],
        data: { product: 'Acme', name: 'P' },
      },
    });
    await waitForNotification(t.key, pinned.body.id, allDeliveries('sent'));
    expect((await receivedMail(to))[0]!.subject).toBe('Welcome to Acme, P');
  });

  it('a notification shows the template key and version it used (also in the list, also after the template is deleted)', async () => {
    const t = await createTenant();
    await api('POST', '/v1/templates', { key: t.key, body: welcome });
    await api('POST', '/v1/templates/welcome/publish', { key: t.key });
    await api('PATCH', '/v1/templates/welcome', { key: t.key, body: { name: 'Welcome v2' } });
    await api('POST', '/v1/templates/welcome/publish', { key: t.key });
    const send = async (body: Record<string, unknown>) => {
      const res = await api('POST', '/v1/notifications', {
        key: t.key,
        body: { to: { email: 'a@b.test' }, channels: ['email'], ...body },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return res.body.id as string;
    };
    const data = { product: 'Acme', name: 'A' };
    const published = await send({ template: 'welcome', data });
    const pinned = await send({ template: 'welcome', templateVersion: 1, data });
    const inline = await send({ content: { subject: 'Hi', text: 'plain' } });
    const templateOf = async (id: string) =>
      (await api('GET', `/v1/notifications/${id}`, { key: t.key })).body.template;
    expect(await templateOf(published)).toEqual({ key: 'welcome', version: 2 });
    expect(await templateOf(pinned)).toEqual({ key: 'welcome', version: 1 });
    expect(await templateOf(inline)).toBeNull();
    const listed = (await api('GET', '/v1/notifications', { key: t.key })).body.data;
    expect(Object.fromEntries(listed.map((n: any) => [n.id, n.template]))).toEqual({
      [published]: { key: 'welcome', version: 2 },
      [pinned]: { key: 'welcome', version: 1 },
      [inline]: null,
    });
    expect((await api('DELETE', '/v1/templates/welcome', { key: t.key })).status).toBe(204);
    expect(await templateOf(pinned)).toEqual({ key: 'welcome', version: 1 });
  });

  it('a template that fails to render fails that delivery with render_error, without a provider call', async () => {
    const t = await createLiveTenant();
    await api('POST', '/v1/templates', {
      key: t.key,
      body: {
        key: 'loop',
        name: 'Loop',
        locales: {
          en: {
            email: {
              subject: 'x',
              html: '{% for i in (1..100000000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}',
            },
          },
        },
      },
    });
    await api('POST', '/v1/templates/loop/publish', { key: t.key });
    const to = `${uniqueName('loop')}@example.test`;
    const res = await api('POST', '/v1/notifications', { key: t.key, body: { to: { email: to }, template: 'loop' } });
    const failed = await waitForNotification(t.key, res.body.id, allDeliveries('failed'));
    expect(failed.deliveries[0].lastError.code).toBe('render_error');
    expect(await receivedMail(to)).toEqual([]);
  });
});

describe('layouts and starters', () => {
  it('a tenant layout wraps its templates; others never see it', async () => {
    const a = await createTenant('A');
    const b = await createTenant('B');
    const put = await api('PUT', '/v1/layouts/brand', {
      key: a.key,
      body: { name: 'Brand', html: '<main class="acme">{{ content }}</main>' },
    });
    expect(put.status).toBe(201);
    const replaced = await api('PUT', '/v1/layouts/brand', {
      key: a.key,
      body: { name: 'Brand', html: '<main class="acme">{{ content }}</main>' },
    });
    expect(replaced.status).toBe(200);
    expectEnvelope(
      await api('PUT', '/v1/layouts/bad', { key: a.key, body: { name: 'x', html: '<p>no slot</p>' } }),
      422,
      'validation_failed',
    );
    await api('POST', '/v1/templates', { key: a.key, body: { ...welcome, layout: 'brand' } });
    const preview = await api('POST', '/v1/templates/welcome/preview', {
      key: a.key,
      body: { channel: 'email', data: { name: 'A', product: 'P' } },
    });
    expect(preview.body.content.html).toBe('<main class="acme"><h1>Hi A</h1><p>P is ready.</p></main>');
    const listed = await api('GET', '/v1/layouts', { key: a.key });
    expect(listed.body.data.map((l: any) => [l.key, l.builtIn])).toEqual([
      ['brand', false],
      ['default', true],
    ]);
    expect((await api('GET', '/v1/layouts', { key: b.key })).body.data.map((l: any) => l.key)).toEqual(['default']);
    expectEnvelope(await api('DELETE', '/v1/layouts/brand', { key: b.key }), 404, 'not_found');
  });

  it('starter templates (price drop) can be copied and sent', async () => {
    const t = await createLiveTenant();
    const starters = await api('GET', '/v1/starter-templates', { key: t.key });
    expect(starters.body.data.map((s: any) => s.key).sort()).toEqual([
      'password-reset',
      'price-drop',
      'receipt',
      'welcome',
    ]);
    const created = await api('POST', '/v1/templates', {
      key: t.key,
      body: { key: 'price-drop', starter: 'price-drop' },
    });
    expect(created.status).toBe(201);
    await api('POST', '/v1/templates/price-drop/publish', { key: t.key });
    const to = `${uniqueName('deal')}@example.test`;
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: {
        to: { email: to },
        template: 'price-drop',
        channels: ['email'],
        data: {
          product: { name: 'Headphones', url: 'https://shop.test/p/1' },
          old_price: 99,
          new_price: 79,
          currency: 'EUR',
        },
      },
    });
    await waitForNotification(t.key, res.body.id, allDeliveries('sent'));
    const [mail] = await receivedMail(to);
    expect(mail!.subject).toBe('Price drop: Headphones is now 79 EUR');
    expect(mail!.html).toContain('<s>99 EUR</s>');
  });
});
