import type { ObjectApi } from '../api';
import type { ScenarioChooser } from '../types';
export class Controller {
  constructor(_api: ObjectApi, _options: { stepMs: number; scenario: ScenarioChooser }) {}
  start(): void {}
  stop(): void {}
}
