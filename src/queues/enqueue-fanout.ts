import type { AppBindings } from '../env';
import type { FanoutMessage } from './messages';

export function sendFanoutMessage(env: AppBindings, tenantId: string, broadcastId: string, delaySeconds = 0) {
  const body: FanoutMessage = { v: 1, type: 'fanout', tenantId, broadcastId };
  return env.QUEUE_FANOUT.send(body, {
    contentType: 'json',
    ...(delaySeconds ? { delaySeconds: Math.ceil(delaySeconds) } : {}),
  });
}
