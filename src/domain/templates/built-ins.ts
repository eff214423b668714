import defaultLayout from '../../../templates/layouts/default.liquid';
import passwordReset from '../../../templates/starters/password-reset.json';
import priceDrop from '../../../templates/starters/price-drop.json';
import receipt from '../../../templates/starters/receipt.json';
import welcome from '../../../templates/starters/welcome.json';
import type { TemplateContent } from '../../db/schema';

/** Layouts every tenant has; a tenant layout with the same key takes precedence. */
export const BUILT_IN_LAYOUTS: Record<string, string> = { default: defaultLayout };

/** Starter templates a tenant can copy (`POST /v1/templates { key, starter }`). */
export const STARTER_TEMPLATES: Record<string, TemplateContent & { name: string }> = {
  welcome: welcome as TemplateContent & { name: string },
  'password-reset': passwordReset as TemplateContent & { name: string },
  receipt: receipt as TemplateContent & { name: string },
  'price-drop': priceDrop as TemplateContent & { name: string },
};
