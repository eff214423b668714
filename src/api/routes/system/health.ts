import { z } from '@hono/zod-openapi';
import type { App } from '../../context';
import { PUBLIC_ACCESS } from '../../middleware/access';
import { json } from '../../openapi';
import { operation } from '../../operation';

export const healthRoute = operation({
  method: 'get',
  path: '/health',
  operationId: 'health',
  tags: ['System'],
  summary: 'Liveness: the Worker is up (no I/O)',
  description: 'For load balancers and uptime checks: answers without touching the database.',
  access: PUBLIC_ACCESS,
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'Up') },
});

export function registerHealth(app: App) {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));
}
