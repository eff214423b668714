import type { OutboundMessage } from '../../channels/types';
import type { DeliveryToSend } from '../../db/queries/pipeline';

/** A delivery row (with the headers preparation added, if any) as the message a provider sends. */
export const toOutbound = (d: DeliveryToSend & { headers?: Record<string, string> }): OutboundMessage => ({
  ...(d.headers ? { headers: d.headers } : {}),
  deliveryId: d.id,
  notificationId: d.notificationId,
  tenantId: d.tenantId,
  channel: d.channel,
  address: d.address,
  recipient: d.recipient,
  content: d.content,
  data: d.data,
  metadata: d.metadata,
  category: d.category,
});
