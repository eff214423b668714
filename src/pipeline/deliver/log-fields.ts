import type { DeliveryToSend } from '../../db/queries/pipeline';

/** Correlation fields of every log line about one delivery: one request id follows it API → queue → provider. */
export const deliveryFields = (d: DeliveryToSend) => ({
  requestId: d.requestId,
  tenantId: d.tenantId,
  notificationId: d.notificationId,
  deliveryId: d.id,
  channel: d.channel,
});
