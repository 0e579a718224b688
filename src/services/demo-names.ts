/** The demo's vocabulary for the CLI (which may not import sources): formats and scenario types. */
export type { ScenarioType } from '../sources/simulator/scenario-types.js';
export { SCENARIO_TYPES } from '../sources/simulator/scenario-types.js';
export type { SimFormat } from '../sources/simulator/traffic-lines.js';
export { SIM_FORMATS } from '../sources/simulator/traffic-lines.js';
