import type { AppContext } from '../context';

/** A cron job's context: the app's, plus the run's scheduled time. */
export interface CronContext extends AppContext {
  /** The run's scheduled time (not the wall clock): jobs reason about "due" relative to it. */
  scheduledTime: Date;
}
