// Scenario files (A12): parse, play, check. Pure; reading the file is the caller's business.

export { parseScenario } from './parse.js';
export { playScenario, type TimelineStep } from './play.js';
export { ScenarioError } from './reader.js';
export { parseDuration } from './duration.js';
export type * from './types.js';
