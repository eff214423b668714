export * from './api-keys';
export * from './audit-log';
export * from './notifications';
export * from './preferences';
export * from './providers';
export * from './subscribers';
export * from './templates';
export * from './tenants';
