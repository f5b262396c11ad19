export * from './release-server';
export * from './reports';
export * from './state';
