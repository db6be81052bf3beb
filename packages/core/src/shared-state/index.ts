export { defineSharedState, isActionRefusal, refuseAction, SHARED_STATE_EVENT } from './definition.js';
export type {
  ActionContext,
  ActionRefusal,
  SharedStateDefinition,
  SharedStateEntry,
  SharedStateReducer,
} from './definition.js';
export { createSharedState } from './shared-state.js';
export type { SharedState, SharedStateOptions, SharedStateSnapshot } from './shared-state.js';
export { sharedStateFor, sharedStateRules } from './shared-state-rules.js';
export type { SharedStateChannels, SomeSharedState } from './shared-state-rules.js';
