import { createRoute, z } from '@hono/zod-openapi';
import { listDeadLetters } from '../../../db/queries/dead-letters';
import { CHANNELS } from '../../../db/schema';
import { type App, authOf } from '../../context';
import { requireScope } from '../../middleware/auth';
import { AUTHED_ERRORS, bearerSecurity, errorResponses, json, pageOf, pageQuery } from '../../openapi';
import { DeadLetterSchema, presentDeadLetter } from './schema';

export const listDeadLettersRoute = createRoute({
  method: 'get',
  path: '/v1/dead-letters',
  tags: ['Dead letters'],
  summary: 'Deliveries that exhausted their retries, newest first',
  security: bearerSecurity,
  middleware: [requireScope('read')] as const,
  request: { query: pageQuery('dlv').extend({ channel: z.enum(CHANNELS).optional() }) },
  responses: {
    200: json(pageOf(DeadLetterSchema), 'A page of dead letters'),
    ...errorResponses(...AUTHED_ERRORS, 422),
  },
});

export function registerListDeadLetters(app: App) {
  app.openapi(listDeadLettersRoute, async (c) => {
    const q = c.req.valid('query');
    const page = await listDeadLetters(c.var.db, authOf(c).tenantId, q.channel, q);
    return c.json({ data: page.data.map(presentDeadLetter), next: page.next }, 200);
  });
}
