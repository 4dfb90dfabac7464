// Public surface of examples/: complete systems with their specs, and the trace generator used
// by tests and benchmarks.
export { generateTrace, processName } from './trace-generator/generate-trace.ts';
export type { TraceShape } from './trace-generator/generate-trace.ts';
export { perturb } from './trace-generator/perturb.ts';
export type { PerturbedTrace, Perturbation } from './trace-generator/perturb.ts';
export { seededRandom } from './trace-generator/random.ts';
export type { Random } from './trace-generator/random.ts';
