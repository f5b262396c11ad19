export * from './tls';
export * from './token-service';
export * from './registry';
export * from './fault-proxy';
export * from './oci-fixtures';
