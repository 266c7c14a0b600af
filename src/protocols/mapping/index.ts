export { createMappingSandbox } from './sandbox.js';
export type { MappingContext, MappingSandbox, MappingSandboxOptions } from './sandbox.js';
export { compareMappingNames, evaluateMappings } from './evaluate.js';
export type { PropertyMappingDefinition } from './evaluate.js';
export { MappingError } from './errors.js';
export type { MappingFailureReason } from './errors.js';
export { HELPER_NAMES } from './prelude.js';
