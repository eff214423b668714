import type { App } from '../../context';
import { registerCreateSchedule } from './create-schedule';
import { registerDeleteSchedule } from './delete-schedule';
import { registerGetSchedule } from './get-schedule';
import { registerListSchedules } from './list-schedules';
import { registerPauseSchedule } from './pause-schedule';
import { registerPreviewNextRuns } from './preview-next-runs';
import { registerResumeSchedule } from './resume-schedule';
import { registerUpdateSchedule } from './update-schedule';

export function registerScheduleRoutes(app: App) {
  registerCreateSchedule(app);
  registerListSchedules(app);
  registerGetSchedule(app);
  registerUpdateSchedule(app);
  registerDeleteSchedule(app);
  registerPauseSchedule(app);
  registerResumeSchedule(app);
  registerPreviewNextRuns(app);
}
