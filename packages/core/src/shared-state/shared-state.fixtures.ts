import { defineSharedState, refuseAction } from './definition.js';

/** A tiny turn-based game for tests: players take turns adding to a total; nobody may play twice in a row. */
export interface TurnsState {
  readonly total: number;
  readonly moves: readonly string[];
  readonly last: string | null;
}
export type TurnsAction = { readonly type: 'add'; readonly by: number } | { readonly type: 'reset' };

export const turns = defineSharedState<TurnsState, TurnsAction>({
  initial: { total: 0, moves: [], last: null },
  reducer: (state, action, { userId }) => {
    if (!userId) refuseAction('Sign in to play');
    if (action.type === 'reset') return { total: 0, moves: [], last: null };
    if (state.last === userId) refuseAction('Not your turn', { waitingFor: 'someone else' });
    if (!Number.isInteger(action.by) || action.by < 1 || action.by > 9) refuseAction('Add 1 to 9');
    return { total: state.total + action.by, moves: [...state.moves, `${userId}+${action.by}`], last: userId };
  },
});

/** Counts every action, for ordering tests: anyone may add any time. */
export const tally = defineSharedState<readonly string[], string>({
  initial: (channel) => [`start:${channel}`],
  reducer: (state, item) => [...state, item],
});
