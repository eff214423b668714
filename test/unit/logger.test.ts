import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { continueTrace, traceIdOf } from '../../src/observability/trace-context';

afterEach(() => vi.restoreAllMocks());

describe('logger', () => {
  it('writes one JSON object per line with the correlation fields, and never a secret or a message body', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((l: string) => lines.push(l));
    const key = `nk_live_${'a'.repeat(43)}ABCDEF`;
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJraW0iLCJ0aWQiOiJ0ZW4ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    createLogger({ requestId: 'req_1' }, 'info')
      .child({ tenantId: 'ten_1' })
      .info('delivery sent', {
        deliveryId: 'dlv_1',
        authorization: `Bearer ${key}`,
        credentials: { password: 'hunter2', host: 'smtp.example' },
        nested: { webhookSecret: 'whsec_abc', note: `key ${key} and token ${jwt}` },
        content: { subject: 'Your code is 123456' },
      });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', msg: 'delivery sent', requestId: 'req_1', tenantId: 'ten_1' });
    expect(line.deliveryId).toBe('dlv_1');
    expect(lines[0]).not.toContain(key);
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).not.toContain('whsec_abc');
    expect(lines[0]).not.toContain(jwt);
    expect(lines[0]).not.toContain('123456');
    expect(line.credentials).toBe('[redacted]');
    expect(line.nested.note).toBe('key [redacted] and token [redacted]');
  });

  it('writes a Date as its ISO time, at any depth, and an invalid one as such', () => {
    const lines: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((l: string) => lines.push(l));
    const at = new Date('2026-12-03T09:30:00.000Z');
    createLogger({}, 'info').warn('missed schedule runs skipped', {
      running: at,
      nested: { nextRunAt: at },
      broken: new Date(Number.NaN),
    });
    const line = JSON.parse(lines[0]!);
    expect(line.running).toBe('2026-12-03T09:30:00.000Z');
    expect(line.nested.nextRunAt).toBe('2026-12-03T09:30:00.000Z');
    expect(line.broken).toBe('Invalid Date');
  });
});

describe('trace context', () => {
  it('continues a valid traceparent as a new span of the same trace, and starts one otherwise', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const ours = continueTrace(incoming);
    expect(traceIdOf(ours)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(ours).not.toBe(incoming);
    expect(ours).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    for (const bad of [undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(continueTrace(bad)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(traceIdOf(continueTrace(bad))).not.toBe('00000000000000000000000000000000');
    }
  });
});
