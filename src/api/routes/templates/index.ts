import type { App } from '../../context';
import { registerCreateTemplate } from './create-template';
import { registerDeleteTemplate } from './delete-template';
import { registerGetTemplate } from './get-template';
import { registerListStarterTemplates } from './list-starter-templates';
import { registerListTemplateVersions } from './list-template-versions';
import { registerListTemplates } from './list-templates';
import { registerPreviewTemplate } from './preview-template';
import { registerPublishTemplate } from './publish-template';
import { registerUpdateTemplate } from './update-template';

export function registerTemplateRoutes(app: App) {
  registerCreateTemplate(app);
  registerListStarterTemplates(app);
  registerListTemplates(app);
  registerGetTemplate(app);
  registerUpdateTemplate(app);
  registerDeleteTemplate(app);
  registerPublishTemplate(app);
  registerListTemplateVersions(app);
  registerPreviewTemplate(app);
}
