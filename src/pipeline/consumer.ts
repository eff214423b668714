import { createDb } from '../db/client';
import { isDatabaseUnavailable } from '../db/errors';
import { loadDeliveriesForSend, markDeadLettered } from '../db/queries/pipeline';
import { type AppBindings, loadConfig } from '../env';
import { createLogger, type Logger } from '../observability/logger';
import { deliver } from './deliver';
import { parseQueueName } from './lanes';
import { type DeliverMessage, QueueMessage } from './messages';

/** When the database is down, wait this long before the message comes back. */
const DB_UNAVAILABLE_RETRY_SECONDS = 15;

/** Entry point of every queue: delivery lanes and their dead-letter queues. Acks or retries each message alone. */
export async function handleQueueBatch(batch: MessageBatch<unknown>, env: AppBindings): Promise<void> {
  const config = loadConfig(env);
  const log = createLogger({ queue: batch.queue }, config.LOG_LEVEL);
  const lane = parseQueueName(batch.queue);
  if (!lane) {
    log.error('message batch from an unknown queue; retrying', { size: batch.messages.length });
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  const valid: { message: Message<unknown>; body: DeliverMessage }[] = [];
  for (const message of batch.messages) {
    const parsed = QueueMessage.safeParse(message.body);
    if (parsed.success) valid.push({ message, body: parsed.data });
    else {
      // Not ours or corrupt: nothing to deliver and nothing a retry could fix. Logged in full for a human.
      log.error('unparsable queue message acked', { messageId: message.id, body: message.body });
      message.ack();
    }
  }
  if (lane.deadLetter) await handleDeadLetters(env, log, valid);
  else await handleDeliveries(env, log, valid);
}

async function handleDeliveries(
  env: AppBindings,
  log: Logger,
  items: { message: Message<unknown>; body: DeliverMessage }[],
) {
  const db = createDb(env);
  const config = loadConfig(env);
  let rows: Awaited<ReturnType<typeof loadDeliveriesForSend>>;
  try {
    const tenantIds = [...new Set(items.map((i) => i.body.tenantId))];
    rows = await loadDeliveriesForSend(
      db,
      tenantIds,
      items.map((i) => i.body.deliveryId),
    );
  } catch (err) {
    log.warn('could not load deliveries; retrying the batch later', { err });
    for (const { message } of items) message.retry({ delaySeconds: DB_UNAVAILABLE_RETRY_SECONDS });
    return;
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  await Promise.all(
    items.map(async ({ message, body }) => {
      const row = byId.get(body.deliveryId);
      if (!row || row.tenantId !== body.tenantId) {
        log.warn('queue message for an unknown delivery acked', { deliveryId: body.deliveryId });
        message.ack();
        return;
      }
      const dlog = log.child({ tenantId: row.tenantId, notificationId: row.notificationId, deliveryId: row.id });
      try {
        const action = await deliver({ db, env, config, log: dlog }, row);
        if (action.kind === 'ack') message.ack();
        else message.retry({ delaySeconds: action.delaySeconds });
      } catch (err) {
        // Only infrastructure failures reach here (the provider outcome is handled in deliver()).
        const delaySeconds = isDatabaseUnavailable(err) ? DB_UNAVAILABLE_RETRY_SECONDS : 30;
        dlog.error('delivery processing failed; message retried', { err, delaySeconds });
        message.retry({ delaySeconds });
      }
    }),
  );
}

async function handleDeadLetters(
  env: AppBindings,
  log: Logger,
  items: { message: Message<unknown>; body: DeliverMessage }[],
) {
  const db = createDb(env);
  const byTenant = new Map<string, typeof items>();
  for (const item of items) {
    const list = byTenant.get(item.body.tenantId) ?? [];
    list.push(item);
    byTenant.set(item.body.tenantId, list);
  }
  await Promise.all(
    [...byTenant].map(async ([tenantId, group]) => {
      try {
        const marked = await markDeadLettered(
          db,
          tenantId,
          group.map((g) => g.body.deliveryId),
        );
        if (marked.length) log.warn('deliveries dead-lettered', { tenantId, deliveryIds: marked.map((m) => m.id) });
        for (const { message } of group) message.ack();
      } catch (err) {
        log.error('could not mark dead letters; retrying', { tenantId, err });
        for (const { message } of group) message.retry({ delaySeconds: DB_UNAVAILABLE_RETRY_SECONDS });
      }
    }),
  );
}
