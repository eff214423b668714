import { z } from 'zod';

/**
 * Bindings of the Worker: the generated `Env` (wrangler types, from wrangler.toml) plus secrets, which wrangler
 * cannot see. DATABASE_URL is set with `wrangler secret put`; PG_WS_PROXY only exists locally (scripts/dev.mjs,
 * vitest.config.ts) and points the Neon driver at scripts/neon-local-proxy.mjs.
 */
export interface AppBindings extends Env {
  DATABASE_URL: string;
  PG_WS_PROXY?: string;
}

const positiveInt = z.coerce.number().int().positive();

const configSchema = z.object({
  ENVIRONMENT: z.enum(['production', 'development', 'test']),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  PG_WS_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SIGNUP_RATE_LIMIT_PER_HOUR: positiveInt,
  API_RATE_LIMIT_PER_SECOND: positiveInt,
  API_KEY_ROLL_GRACE_HOURS: z.coerce.number().nonnegative(),
  RETRY_BASE_DELAY_SECONDS: z.coerce.number().nonnegative(),
  SMTP_HOST: z.string(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535),
  EMAIL_FROM: z.email(),
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
