import type { Context } from 'hono';
import type { EndpointContext } from '../../../domain/webhooks/manage-endpoints';
import type { AppEnv } from '../../context';

export const endpointContext = (c: Context<AppEnv>): EndpointContext => ({
  db: c.var.db,
  env: c.env,
  config: c.var.config,
  log: c.var.log,
});
