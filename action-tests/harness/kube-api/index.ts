export { startKubeApi } from './server';
export { SCENARIOS } from './types';
export type {
  KubeApi,
  KubeApiOptions,
  KubeObject,
  RecordedRequest,
  Scenario,
  ScenarioChooser,
  WorkloadRef,
} from './types';
