import { z } from 'zod';
import { MAX_QUEUE_DELAY_SECONDS } from './lib/queue-limits';

/**
 * Bindings of the Worker: the generated `Env` (wrangler types, from wrangler.toml) plus secrets, which wrangler
 * cannot see. DATABASE_URL is set with `wrangler secret put`; PG_WS_PROXY only exists locally (scripts/dev.mjs,
 * vitest.config.ts) and points the Neon driver at scripts/neon-local-proxy.mjs.
 */
export interface AppBindings extends Env {
  DATABASE_URL: string;
  PG_WS_PROXY?: string;
  CREDENTIALS_KEYS: string;
  PROVIDER_BASE_URLS?: string;
  METRICS_TOKEN?: string;
}

const positiveInt = z.coerce.number().int().positive();

const configSchema = z.object({
  ENVIRONMENT: z.enum(['production', 'development', 'test']),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  PG_WS_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SIGNUP_RATE_LIMIT_PER_HOUR: positiveInt,
  API_RATE_LIMIT_PER_SECOND: positiveInt,
  /**
   * Requests per second per subscriber on subscriber-token routes (`/v1/inbox*`, `/v1/me/*`), burst = one second's
   * worth. An inbox page makes a handful of calls at a time; this stops a runaway page or a leaked token.
   */
  SUBSCRIBER_RATE_LIMIT_PER_SECOND: positiveInt.default(20),
  API_KEY_ROLL_GRACE_HOURS: z.coerce.number().nonnegative(),
  RETRY_BASE_DELAY_SECONDS: z.coerce.number().nonnegative(),
  /** Secret: `{"<keyId>":"<base64 of 32 bytes>"}`; CREDENTIALS_KEY_ID names the one new values use. */
  CREDENTIALS_KEYS: z.string().transform((s, ctx) => {
    try {
      const keys = z.record(z.string(), z.string()).parse(JSON.parse(s));
      return keys;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key id → base64 key' });
      return z.NEVER;
    }
  }),
  CREDENTIALS_KEY_ID: z.string().min(1),
  /** Overrides of provider API base URLs (`{"sendgrid":"http://127.0.0.1:…"}`): local stand-ins in tests. */
  PROVIDER_BASE_URLS: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return z.record(z.string(), z.url()).parse(JSON.parse(s));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON object of provider id → URL' });
        return z.NEVER;
      }
    }),
  /** How long one provider call may take before it counts as a (retryable) timeout. */
  PROVIDER_TIMEOUT_SECONDS: z.coerce.number().positive().default(15),
  CIRCUIT_FAILURE_THRESHOLD: positiveInt,
  CIRCUIT_COOLDOWN_SECONDS: z.coerce.number().positive(),
  /** Local development and tests only: lets webhook/chat URLs point at loopback and private addresses. */
  ALLOW_PRIVATE_WEBHOOK_TARGETS: z.enum(['on', 'off']).default('off'),
  /** Public origin of this API (for one-click unsubscribe links); empty = links are not added. */
  PUBLIC_BASE_URL: z.union([z.url(), z.literal('')]).default(''),
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().positive().default(15),
  /** Delays before retry 1, 2, …; after the last one a message is exhausted (`failed`). */
  WEBHOOK_RETRY_SCHEDULE_SECONDS: z
    .string()
    .default('5,300,1800,7200,18000,36000,36000')
    .transform((s, ctx) => {
      const delays = s.split(',').map((d) => Number(d.trim()));
      if (delays.some((d) => !Number.isFinite(d) || d < 0 || d > MAX_QUEUE_DELAY_SECONDS)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be comma-separated seconds between 0 and ${MAX_QUEUE_DELAY_SECONDS}`,
        });
        return z.NEVER;
      }
      return delays;
    }),
  WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().positive().default(120),
  BROADCAST_CHUNK_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
  BROADCAST_RATE_PER_SECOND: z.coerce.number().positive().default(1000),
  /**
   * Secret: the operator's bearer token for GET /metrics (`openssl rand -hex 32`); unset or empty = /metrics is off
   * (404). Short values are refused: the token is the only thing between the internet and platform-wide figures.
   */
  METRICS_TOKEN: z
    .union([z.literal(''), z.string().min(32, 'must be at least 32 characters')])
    .optional()
    .transform((v) => v || undefined),
  /** Lets the benchmark's baseline route run; never set in production. */
  BENCH_ROUTES: z.enum(['on', 'off']).default('off'),
});

export type AppConfig = z.infer<typeof configSchema>;

const cache = new WeakMap<object, AppConfig>();

/** Parses vars and secrets once per env object; a misconfigured deployment fails loudly on its first request. */
export function loadConfig(env: AppBindings): AppConfig {
  let config = cache.get(env);
  if (!config) {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`Invalid Worker configuration: ${fields}`);
    }
    config = parsed.data;
    cache.set(env, config);
  }
  return config;
}
