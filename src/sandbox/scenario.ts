// Scenario files → sandbox state. A scenario is a hand-written JSON description of a small AWS world
// (accounts, IAM principals and policies, KMS keys, an organization, a training exercise); loading it
// checks every field and reference, then fills in what AWS would have generated: unique IDs, ARNs,
// access keys, key material. The format is documented in docs/scenarios.md; the code is in scenario/.
export { builtInScenarios, builtInScenariosDirectory, type ScenarioSummary } from './scenario/built-in-scenarios.js';
export { loadScenario } from './scenario/load-scenario.js';
export { ScenarioError } from './scenario/scenario-error.js';
export { trainingCauses, trainingPlaintext } from './scenario/training-section.js';
