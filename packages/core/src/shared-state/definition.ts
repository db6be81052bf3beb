/**
 * Shared state: one reducer, run by the server in each channel's turn (the authority) and by every client ahead of
 * the server (the prediction). This module is what both sides import: the definition and the refusal.
 */

/** The channel event that carries actions (published by clients) and their outcomes (stored by the server). */
export const SHARED_STATE_EVENT = 'action';

/** Who acts, and when, as a reducer sees it. */
export interface ActionContext {
  /** The acting user as the server authenticated them; null when anonymous. */
  readonly userId: string | null;
  /** When the action is applied (ms since epoch): the server's clock for the authority, the client's for prediction. */
  readonly at: number;
}

/**
 * Returns the state after `action`, or refuses it with {@link refuseAction}. Must not mutate `state`: the client keeps
 * the confirmed state to rebase its predictions on. Whatever else it throws refuses the action as `server_error` on the
 * server (and is reported there).
 */
export type SharedStateReducer<S, A> = (state: S, action: A, context: ActionContext) => S;

/** A state machine shared by a channel's clients: see {@link defineSharedState}. */
export interface SharedStateDefinition<S, A> {
  /** The state before the first action: a value, or one computed from the channel name (`game:7` → a fresh board). */
  readonly initial: S | ((channel: string) => S);
  readonly reducer: SharedStateReducer<S, A>;
}

/**
 * Declares shared state once, for the server (`createRealtime({ sharedState: { 'game:': definition } })`) and the
 * clients (`useSharedState('game:7', definition)`, `createSharedState(channel, definition)`).
 *
 * ```ts
 * export const counter = defineSharedState({
 *   initial: { count: 0 },
 *   reducer: (state, action: { type: 'add'; by: number }) => {
 *     if (Math.abs(action.by) > 10) refuseAction('At most 10 at a time')
 *     return { count: state.count + action.by }
 *   },
 * })
 * ```
 */
export function defineSharedState<S, A>(definition: SharedStateDefinition<S, A>): SharedStateDefinition<S, A> {
  if (typeof definition?.reducer !== 'function') {
    throw new TypeError('defineSharedState({ initial, reducer }): reducer must be a function.');
  }
  return definition;
}

/** The state of `definition` before any action on `channel`. */
export function initialStateOf<S, A>(definition: SharedStateDefinition<S, A>, channel: string): S {
  const { initial } = definition;
  return typeof initial === 'function' ? (initial as (channel: string) => S)(channel) : initial;
}

/** What {@link refuseAction} throws: an `Error` named `ActionRefusal` with the refusal's `details`. */
export interface ActionRefusal extends Error {
  readonly name: 'ActionRefusal';
  readonly details?: unknown;
}

/**
 * Refuses the action being reduced: the server answers the publisher with a `RealtimeError` of code `rejected`
 * carrying `message` (for the user) and `details`; the client's prediction rolls back. A client that predicts the
 * refusal does not send the action at all.
 */
export function refuseAction(message: string, details?: unknown): never {
  // A plain Error, not a subclass: nothing of this module stays in bundles that do not use it.
  const refusal = Object.assign(new Error(message), { name: 'ActionRefusal' as const, details });
  throw refusal;
}

/** Whether `error` is a refusal from {@link refuseAction}. */
export function isActionRefusal(error: unknown): error is ActionRefusal {
  return error instanceof Error && error.name === 'ActionRefusal';
}

/** What the server stores for each accepted action: the action, the state after it, and its number. */
export interface SharedStateEntry<S = unknown, A = unknown> {
  readonly action: A;
  readonly state: S;
  /** 1 for the first action of the channel's log, then one more per action. */
  readonly version: number;
}

/** `data` as a stored entry, or undefined when it is not one (a message someone else stored under the event). */
export function entryOf<S, A>(data: unknown): SharedStateEntry<S, A> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const entry = data as Partial<SharedStateEntry<S, A>>;
  if (typeof entry.version !== 'number' || !Number.isInteger(entry.version) || entry.version < 1) return undefined;
  if (!('state' in entry)) return undefined;
  return entry as SharedStateEntry<S, A>;
}
