import { describe, expect, it } from 'vitest';
import type { TemplateContent } from '../../src/db/schema';
import { RenderError, renderPart } from '../../src/domain/templates/liquid-engine';
import { localeChain, missingVariables, renderTemplate } from '../../src/domain/templates/render-template';

const content: TemplateContent = {
  layout: null,
  defaultLocale: 'en',
  variables: ['name'],
  locales: {
    en: {
      email: { subject: 'Hi {{ name }}', html: '<p>Hello <b>{{ name }}</b></p>' },
      sms: { text: 'Hi {{ name }}' },
      webhook: { payload: '{"user": {{ name | json }}}' },
    },
    es: { email: { subject: 'Hola {{ name }}', html: '<p>Hola {{ name }}</p>', text: 'Hola {{ name }}' } },
  },
};

describe('template rendering', () => {
  it('locale fallback chain: es-MX → es → default', async () => {
    expect(localeChain('es-MX', 'en')).toEqual(['es-MX', 'es', 'en']);
    expect((await renderTemplate(content, 'email', 'es-MX', { name: 'Ana' }, null)).locale).toBe('es');
    expect((await renderTemplate(content, 'sms', 'es-MX', { name: 'Ana' }, null)).locale).toBe('en');
    expect((await renderTemplate(content, 'email', 'fr', { name: 'Ana' }, null)).content.subject).toBe('Hi Ana');
  });

  it('escapes HTML parts only; the text part is derived from HTML when absent', async () => {
    const evil = '<script>alert(1)</script> & co';
    const { content: out } = await renderTemplate(content, 'email', 'en', { name: evil }, null);
    expect(out.html).toBe('<p>Hello <b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b></p>');
    expect(out.text).toBe('Hello <script>alert(1)</script> & co');
    expect(out.subject).toBe(`Hi ${evil}`);
    const sms = await renderTemplate(content, 'sms', 'en', { name: evil }, null);
    expect(sms.content.text).toBe(`Hi ${evil}`);
  });

  it('refuses header injection and bad JSON payloads', async () => {
    await expect(
      renderTemplate(content, 'email', 'en', { name: 'x\r\nBcc: victim@example.com' }, null),
    ).rejects.toThrow(/line break/);
    const broken: TemplateContent = { ...content, locales: { en: { webhook: { payload: '{ {{ name }} }' } } } };
    await expect(renderTemplate(broken, 'webhook', 'en', { name: 'x' }, null)).rejects.toThrow(/not valid JSON/);
    expect((await renderTemplate(content, 'webhook', 'en', { name: 'Ada "A"' }, null)).content.data).toEqual({
      payload: { user: 'Ada "A"' },
    });
  });

  it('sandbox escapes fail that render with a clear error', async () => {
    const data = { user: { name: 'a' } };
    expect(await renderPart('{{ user.constructor }}{{ user.__proto__ }}', data, { html: false, cacheKey: null })).toBe(
      '',
    );
    await expect(renderPart('{{ x | no_such_filter }}', {}, { html: false, cacheKey: null })).rejects.toThrow(
      RenderError,
    );
    await expect(renderPart("{% include 'secrets' %}", {}, { html: false, cacheKey: null })).rejects.toThrow(
      RenderError,
    );
    await expect(
      renderPart(
        '{% for i in (1..100000000) %}{% for j in (1..1000) %}x{% endfor %}{% endfor %}',
        {},
        { html: false, cacheKey: null },
      ),
    ).rejects.toThrow(RenderError);
    await expect(
      renderPart(
        '{{ s | append: s | append: s | append: s }}',
        { s: 'x'.repeat(100_000) },
        { html: false, cacheKey: null },
      ),
    ).rejects.toThrow(/exceeds/);
    await expect(renderPart('{% if %}', {}, { html: false, cacheKey: null })).rejects.toThrow(/does not parse/);
  });

  it('lists missing required variables by path', () => {
    expect(missingVariables(['name', 'order.id', 'order.total'], { name: 'A', order: { id: 1, total: '' } })).toEqual([
      'order.total',
    ]);
    expect(missingVariables(['a.b'], { a: 'string' })).toEqual(['a.b']);
  });
});

describe('email layouts', () => {
  it('wraps the rendered HTML in the default layout without escaping it again', async () => {
    const withLayout: TemplateContent = { ...content, layout: undefined };
    const { content: out } = await renderTemplate(withLayout, 'email', 'en', { name: '<Ada>' }, null);
    expect(out.html).toContain('<!DOCTYPE html>');
    expect(out.html).toContain('<p>Hello <b>&lt;Ada&gt;</b></p>');
    expect(out.html).toContain('<title>Hi &lt;Ada&gt;</title>');
    expect(out.text).toBe('Hello <Ada>');
  });

  it('uses a named layout and fails clearly for an unknown one', async () => {
    const custom = (key: string) =>
      key === 'brand' ? { source: '<div class="brand">{{ content }}</div>', cacheKey: null } : undefined;
    const branded = await renderTemplate({ ...content, layout: 'brand' }, 'email', 'en', { name: 'A' }, null, custom);
    expect(branded.content.html).toBe('<div class="brand"><p>Hello <b>A</b></p></div>');
    await expect(
      renderTemplate({ ...content, layout: 'nope' }, 'email', 'en', { name: 'A' }, null, custom),
    ).rejects.toThrow(/unknown layout/);
  });
});
