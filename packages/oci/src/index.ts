export * from './media-types';
export * from './tar-index';
export * from './archive';
