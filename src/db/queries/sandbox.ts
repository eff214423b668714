import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../client';
import { sandboxMessages } from '../schema';
import type { PageRequest } from './pagination';
import { toPage } from './pagination';

export async function listSandboxMessages(
  db: Db,
  tenantId: string,
  filter: { channel?: string | undefined; recipient?: string | undefined },
  page: PageRequest,
) {
  const rows = await db
    .select()
    .from(sandboxMessages)
    .where(
      and(
        eq(sandboxMessages.tenantId, tenantId),
        filter.channel ? eq(sandboxMessages.channel, filter.channel) : undefined,
        filter.recipient ? eq(sandboxMessages.recipient, filter.recipient) : undefined,
        page.after ? lt(sandboxMessages.id, page.after) : undefined,
      ),
    )
    .orderBy(desc(sandboxMessages.id))
    .limit(page.limit + 1);
  return toPage(rows, page.limit);
}
