import type { App } from '../../context';
import { registerListAuditLog } from './list-audit-log';

export function registerAuditLogRoutes(app: App) {
  registerListAuditLog(app);
}
