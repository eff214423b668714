export * from './api-keys';
export * from './audit-log';
export * from './subscribers';
export * from './tenants';
export * from './notifications';
