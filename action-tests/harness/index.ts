export * from './paths';
export * from './node-binaries';
export * from './workflow-commands';
export * from './run-action';
