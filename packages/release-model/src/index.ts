export * from './version';
export * from './image-name';
export * from './services-file';
export * from './release-manifest-schema';
export * from './release-manifest';
export * from './merge';
export * from './release-context';
export * from './fragments';
