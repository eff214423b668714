import type { MiddlewareHandler } from 'hono';
import { signUp } from '../../../domain/tenants/sign-up';
import type { App, AppEnv } from '../../context';
import { PUBLIC_ACCESS } from '../../middleware/access';
import { enforceRateLimit } from '../../middleware/rate-limit';
import { BODY_ERRORS, errorResponses, json, jsonBody } from '../../openapi';
import { operation } from '../../operation';
import { presentApiKey } from '../api-keys/schema';
import { presentTenant, SignUpBody, SignUpResponse } from './schema';

/** Signup is unauthenticated, so it is limited per client IP (Cloudflare sets CF-Connecting-IP; clients cannot). */
const signupRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown';
  const perHour = c.var.config.SIGNUP_RATE_LIMIT_PER_HOUR;
  await enforceRateLimit(c, `signup:${ip}`, { capacity: perHour, refillPerSecond: perHour / 3600 });
  await next();
};

export const signUpRoute = operation({
  method: 'post',
  path: '/v1/tenants',
  operationId: 'signUp',
  tags: ['Onboarding'],
  summary: 'Create a tenant and its first (test) API key',
  description: 'No authentication. The full key appears in this response only. Rate limited per client IP.',
  access: PUBLIC_ACCESS,
  middleware: [signupRateLimit] as const,
  request: { body: jsonBody(SignUpBody, { name: 'Acme Inc.', email: 'dev@acme.test' }) },
  responses: {
    201: json(SignUpResponse, 'Tenant created'),
    ...errorResponses(...BODY_ERRORS, 429, 503),
  },
});

export function registerSignUp(app: App) {
  app.openapi(signUpRoute, async (c) => {
    const { tenant, key, secret } = await signUp(c.var.db, c.req.valid('json'), c.var.requestId);
    c.var.log.info('tenant created', { tenantId: tenant.id });
    return c.json({ tenant: presentTenant(tenant), apiKey: { ...presentApiKey(key), key: secret } }, 201);
  });
}
