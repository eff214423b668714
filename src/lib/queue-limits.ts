/** Cloudflare Queues' own limits: every delay and batch the code asks of a queue stays within them. */

/** The longest delay a queue message may be given (12 h). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** The most messages one `sendBatch` call takes. */
export const SEND_BATCH_LIMIT = 100;

/**
 * The enqueue horizon: a send due within this many seconds goes to its queue at once (delayed to its second); a
 * later one stays in the database until the every-minute cron claims it. Matches the cron's period.
 */
export const ENQUEUE_AHEAD_SECONDS = 60;
