import type { App } from '../../context';
import { registerCreateWorkflow } from './create-workflow';
import { registerDeleteWorkflow } from './delete-workflow';
import { registerGetWorkflow } from './get-workflow';
import { registerListWorkflowVersions } from './list-workflow-versions';
import { registerListWorkflows } from './list-workflows';
import { registerPublishWorkflow } from './publish-workflow';
import { registerUpdateWorkflow } from './update-workflow';

/** Workflow definitions: the draft, publishing it as immutable versions, and rollback. */
export function registerWorkflowRoutes(app: App) {
  registerCreateWorkflow(app);
  registerListWorkflows(app);
  registerGetWorkflow(app);
  registerUpdateWorkflow(app);
  registerDeleteWorkflow(app);
  registerPublishWorkflow(app);
  registerListWorkflowVersions(app);
}
