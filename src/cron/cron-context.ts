import type { Db } from '../db/client';
import type { AppBindings, AppConfig } from '../env';
import type { Logger } from '../observability/logger';

export interface CronContext {
  db: Db;
  env: AppBindings;
  config: AppConfig;
  log: Logger;
  /** The run's scheduled time (not the wall clock): jobs reason about "due" relative to it. */
  scheduledTime: Date;
}
