import type { Channel, Priority } from '../db/schema';
import type { AppBindings } from '../env';

/**
 * Priority → queue lane. `high` shares the default lane with `normal`; `low` (campaigns) rides the bulk lane.
 * in_app deliveries have a lane of their own whatever their priority: they call no provider.
 */
export type Lane = 'critical' | 'default' | 'bulk' | 'inbox';

export function laneFor(priority: Priority, channel?: Channel): Lane {
  if (channel === 'in_app') return 'inbox';
  switch (priority) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'normal':
      return 'default';
    case 'low':
      return 'bulk';
  }
}

export function queueFor(env: AppBindings, lane: Lane): Queue {
  switch (lane) {
    case 'critical':
      return env.QUEUE_CRITICAL;
    case 'default':
      return env.QUEUE_DEFAULT;
    case 'bulk':
      return env.QUEUE_BULK;
    case 'inbox':
      return env.QUEUE_INBOX;
  }
}

/** `notify-default-dlq` → { lane: 'default', deadLetter: true }; unknown names → null. */
export function parseQueueName(name: string): { lane: Lane; deadLetter: boolean } | null {
  const m = /^notify-(critical|default|bulk|inbox)(-dlq)?$/.exec(name);
  return m ? { lane: m[1] as Lane, deadLetter: Boolean(m[2]) } : null;
}
