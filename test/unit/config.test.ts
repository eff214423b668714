import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/env';
import { testEnv } from '../helpers/api';

/** The test bindings with some vars or secrets replaced: a fresh object, so loadConfig parses it anew. */
const withVars = (vars: Record<string, string | undefined>) => ({ ...testEnv, ...vars }) as typeof testEnv;

describe('Worker configuration', () => {
  it('parses the JSON and list-valued vars into values', () => {
    const config = loadConfig(
      withVars({
        PROVIDER_BASE_URLS: '{"sendgrid":"http://127.0.0.1:9/x"}',
        WEBHOOK_RETRY_SCHEDULE_SECONDS: '5, 300,1800',
        METRICS_TOKEN: '',
      }),
    );
    expect(config.PROVIDER_BASE_URLS).toEqual({ sendgrid: 'http://127.0.0.1:9/x' });
    expect(config.WEBHOOK_RETRY_SCHEDULE_SECONDS).toEqual([5, 300, 1800]);
    expect(config.METRICS_TOKEN).toBeUndefined();
  });

  it.each([
    ['CREDENTIALS_KEYS', 'not json', 'CREDENTIALS_KEYS: must be a JSON object of key id → base64 key'],
    ['CREDENTIALS_KEYS', '["a"]', 'CREDENTIALS_KEYS: must be a JSON object of key id → base64 key'],
    [
      'PROVIDER_BASE_URLS',
      '{"sendgrid":"not a url"}',
      'PROVIDER_BASE_URLS: must be a JSON object of provider id → URL',
    ],
    ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '5,soon', 'WEBHOOK_RETRY_SCHEDULE_SECONDS: must be comma-separated seconds'],
    ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '5,-1', 'WEBHOOK_RETRY_SCHEDULE_SECONDS: must be comma-separated seconds'],
    ['WEBHOOK_RETRY_SCHEDULE_SECONDS', '5,99999999', 'WEBHOOK_RETRY_SCHEDULE_SECONDS: must be comma-separated seconds'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN: must be at least 32 characters'],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: must be a postgres:// URL'],
  ])('a bad %s (%s) fails loudly, naming the variable', (name, value, message) => {
    expect(() => loadConfig(withVars({ [name]: value }))).toThrow(`Invalid Worker configuration: ${message}`);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig(withVars({ ENVIRONMENT: 'staging', CIRCUIT_FAILURE_THRESHOLD: '0' }))).toThrow(
      /^Invalid Worker configuration: ENVIRONMENT: .+; CIRCUIT_FAILURE_THRESHOLD: /,
    );
  });
});
