/** What the consumer does with each queue message once its delivery has been handled. */
export type MessageAction = { kind: 'ack' } | { kind: 'retry'; delaySeconds: number };

/** Each delivery id's action, filled in by the steps of a batch. */
export type MessageActions = Map<string, MessageAction>;
