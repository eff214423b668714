import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../context';
import { json } from '../../openapi';

export const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['System'],
  summary: 'Liveness: the Worker is up (no I/O)',
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'Up') },
});

export function registerHealth(app: App) {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
}
