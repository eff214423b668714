import type { Context } from 'hono';
import { ApiError } from '../../../errors';
import type { AppEnv } from '../../context';

export const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export const secureCookies = (c: Context<AppEnv>) => c.var.config.ENVIRONMENT === 'production';

/**
 * Sign-in and sign-out happen before there is a session, so SameSite cannot protect them: a page elsewhere could
 * sign a visitor into the attacker's tenant (login CSRF). Browsers send Origin on every POST; tools like curl do
 * not, and have no cookies to abuse.
 */
export function refuseOtherOrigins(c: Context<AppEnv>) {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError('origin_not_allowed', 'Sign in from the dashboard page itself');
  }
}
