import { inboxContent } from '../../channels/in-app/inbox-content';
import { renderForSandbox } from '../../channels/sandbox-render';
import type { DeliveryToSend, Outcome } from '../../db/queries/pipeline';
import { toOutbound } from './outbound-message';
import { attemptRecord, type OutcomeBase, sentOutcome } from './outcomes';

/** in_app: stored in the inbox in the same transaction as the `sent` status, then relayed (persistOutcomes). */
export function inboxOutcome(d: DeliveryToSend, base: OutcomeBase): Outcome {
  const content = inboxContent(d);
  const attempt = attemptRecord({ provider: 'inbox', outcome: 'sent', startedAt: new Date().toISOString() });
  return {
    ...sentOutcome(base, [attempt], 'inbox', null),
    inbox: {
      id: d.id,
      tenantId: d.tenantId,
      subscriberId: d.address,
      notificationId: d.notificationId,
      ...content,
      // A template's in_app part has no data of its own: the send's data goes to the front end.
      data: content.data ?? d.data,
      category: d.category,
    },
  };
}

/** Test mode: the rendered message is kept for the sandbox instead of reaching a real recipient. */
export function sandboxOutcome(d: DeliveryToSend, base: OutcomeBase): Outcome {
  const attempt = attemptRecord({ provider: 'sandbox', outcome: 'sent', startedAt: new Date().toISOString() });
  return {
    ...sentOutcome(base, [attempt], 'sandbox', null),
    sandbox: {
      notificationId: d.notificationId,
      channel: d.channel,
      recipient: d.recipient,
      address: d.address,
      message: renderForSandbox(toOutbound(d)),
    },
  };
}
