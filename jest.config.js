// Tests are TypeScript ESM; swc strips types without type-checking (tsc does that in `npm run build`).
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/action-tests'],
  testMatch: ['**/*.test.ts'],
  // Tests against a real cluster run in their own CI job (`npm run test:kind`), not on machines without one.
  testPathIgnorePatterns: process.env.ALT_LAS_KIND ? [] : ['/node_modules/', '<rootDir>/action-tests/kind/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  // Two cores: one worker per core keeps real builds and servers from starving each other.
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: false,
};
