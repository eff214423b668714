import type { App } from '../../context';
import { registerCancelWorkflowRuns } from './cancel-workflow-runs';
import { registerGetWorkflowRun } from './get-workflow-run';
import { registerListWorkflowRuns } from './list-workflow-runs';
import { registerTriggerWorkflow } from './trigger-workflow';

/** Workflow runs: triggering a published workflow, cancelling by key, and reading runs with their timelines. */
export function registerWorkflowRunRoutes(app: App) {
  registerTriggerWorkflow(app);
  registerCancelWorkflowRuns(app);
  registerListWorkflowRuns(app);
  registerGetWorkflowRun(app);
}
