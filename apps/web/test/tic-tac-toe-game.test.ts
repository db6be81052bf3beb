// The tic-tac-toe block's reducer (registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game.ts), pure: every rule
// with fixed `at`s, as the server runs it in the channel's turn. Lives here because the docs demo registers this
// definition on its server; the component's states are covered by the block's stories, the wire by tests/e2e.
import { isActionRefusal } from '@realtime-kit/core';
import { describe, expect, it } from 'vitest';

import {
  defineTicTacToe,
  seatOf,
  timeLeft,
  type TicTacToeAction,
  type TicTacToeState,
} from '../../../registry/realtime/blocks/tic-tac-toe/lib/tic-tac-toe-game';

const game = defineTicTacToe({ clockMs: 10_000, seatGraceMs: 5_000 });
const T0 = 1_000_000;

function initial(): TicTacToeState {
  return (game.initial as (channel: string) => TicTacToeState)('tictactoe:1');
}

function apply(state: TicTacToeState, userId: string | null, at: number, action: TicTacToeAction): TicTacToeState {
  return game.reducer(state, action, { userId, at });
}

/** The reducer's refusal message for the action (fails the test when it is accepted). */
function refusal(state: TicTacToeState, userId: string | null, at: number, action: TicTacToeAction): string {
  try {
    apply(state, userId, at, action);
  } catch (error) {
    if (isActionRefusal(error)) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(action)}`);
}

/** Ada plays X, Bob O, the game started at T0. */
function started(): TicTacToeState {
  const one = apply(initial(), 'ada', T0 - 100, { type: 'sit', seat: 'X', name: 'Ada' });
  return apply(one, 'bob', T0, { type: 'sit', seat: 'O', name: 'Bob' });
}

/** Plays `cells` alternately (X first), one second apart from T0. */
function play(state: TicTacToeState, cells: number[]): TicTacToeState {
  return cells.reduce(
    (current, cell, index) =>
      apply(current, index % 2 === 0 ? 'ada' : 'bob', T0 + (index + 1) * 1000, { type: 'move', cell }),
    state,
  );
}

describe('tic-tac-toe reducer', () => {
  it('starts empty, waiting for two players, and refuses anonymous actions', () => {
    const state = initial();
    expect(state.phase).toBe('waiting');
    expect(state.board).toEqual(Array(9).fill(null));
    expect(state.clocks).toEqual({ X: 10_000, O: 10_000 });
    expect(refusal(state, null, T0, { type: 'sit', seat: 'X', name: 'Ghost' })).toBe('Sign in to play');
  });

  it('seats two players and starts the game with X to move and the clock running', () => {
    const one = apply(initial(), 'ada', T0 - 100, { type: 'sit', seat: 'X', name: '  Ada  ' });
    expect(one.phase).toBe('waiting');
    expect(one.seats.X).toEqual({ userId: 'ada', name: 'Ada', lastSeenAt: T0 - 100 });
    expect(refusal(one, 'bob', T0, { type: 'sit', seat: 'X', name: 'Bob' })).toBe('Ada already plays X');
    expect(refusal(one, 'ada', T0, { type: 'sit', seat: 'O', name: 'Ada' })).toBe('You already play X');
    const two = apply(one, 'bob', T0, { type: 'sit', seat: 'O', name: '' });
    expect(two.seats.O?.name).toBe('bob');
    expect(two.phase).toBe('playing');
    expect(two.turn).toBe('X');
    expect(two.turnStartedAt).toBe(T0);
    expect(seatOf(two, 'ada')).toBe('X');
    expect(seatOf(two, 'carol')).toBeNull();
  });

  it('refuses out-of-turn moves, spectators, taken squares, squares off the board, and moves before the game', () => {
    const waiting = apply(initial(), 'ada', T0, { type: 'sit', seat: 'X', name: 'Ada' });
    expect(refusal(waiting, 'ada', T0, { type: 'move', cell: 0 })).toBe('Waiting for a second player');
    const state = started();
    expect(refusal(state, 'bob', T0 + 10, { type: 'move', cell: 0 })).toBe("It is X's turn");
    expect(refusal(state, 'carol', T0 + 10, { type: 'move', cell: 0 })).toBe('Take a seat to play');
    expect(refusal(state, 'ada', T0 + 10, { type: 'move', cell: 9 })).toBe('Play one of the nine squares');
    expect(refusal(state, 'ada', T0 + 10, { type: 'move', cell: 1.5 })).toBe('Play one of the nine squares');
    const after = play(state, [4]);
    expect(refusal(after, 'bob', T0 + 1500, { type: 'move', cell: 4 })).toBe('That square is taken');
    expect(refusal(after, 'ada', T0 + 1500, { type: 'move', cell: 0 })).toBe("It is O's turn");
    expect(refusal(state, 'ada', T0, { type: 'fly' } as unknown as TicTacToeAction)).toBe('Unknown action');
  });

  it('does not change the state it is given', () => {
    const state = started();
    const frozen = JSON.stringify(state);
    play(state, [0, 1, 2]);
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it('charges each move to the mover’s clock and hands the turn over', () => {
    const state = play(started(), [4]); // X thought for 1 s
    expect(state.board[4]).toBe('X');
    expect(state.turn).toBe('O');
    expect(state.clocks).toEqual({ X: 9_000, O: 10_000 });
    expect(state.turnStartedAt).toBe(T0 + 1000);
    expect(timeLeft(state, 'O', T0 + 3_500)).toBe(7_500);
    expect(timeLeft(state, 'X', T0 + 3_500)).toBe(9_000); // stopped while O thinks
    expect(state.seats.X?.lastSeenAt).toBe(T0 + 1000);
  });

  it('detects a row, a column, a diagonal, and a draw', () => {
    const row = play(started(), [0, 3, 1, 4, 2]);
    expect(row).toMatchObject({ phase: 'over', winner: 'X', ending: 'line', line: [0, 1, 2], turnStartedAt: null });
    const column = play(started(), [0, 1, 3, 4, 8, 7]);
    expect(column).toMatchObject({ phase: 'over', winner: 'O', ending: 'line', line: [1, 4, 7] });
    const diagonal = play(started(), [2, 0, 4, 1, 6]);
    expect(diagonal).toMatchObject({ winner: 'X', line: [2, 4, 6] });
    const draw = play(started(), [0, 1, 2, 4, 3, 5, 7, 6, 8]);
    expect(draw).toMatchObject({ phase: 'over', winner: null, ending: 'draw', line: null });
    expect(refusal(row, 'bob', T0 + 9_000, { type: 'move', cell: 8 })).toBe('The game is over');
  });

  it('decides a timeout when the next action arrives after the flag fell, or on claim-timeout', () => {
    const state = play(started(), [4]); // O to move from T0 + 1000 with 10 s
    // O moves too late: the move is not played, O loses on time.
    const late = apply(state, 'bob', T0 + 11_000, { type: 'move', cell: 0 });
    expect(late).toMatchObject({ phase: 'over', winner: 'X', ending: 'timeout', clocks: { X: 9_000, O: 0 } });
    expect(late.board[0]).toBeNull();
    // Just in time is still in time.
    expect(apply(state, 'bob', T0 + 10_999, { type: 'move', cell: 0 }).board[0]).toBe('O');
    // Anyone may claim it once the flag fell, nobody before.
    expect(refusal(state, 'ada', T0 + 10_000, { type: 'claim-timeout' })).toBe('No clock has run out yet');
    const claimed = apply(state, 'carol', T0 + 11_000, { type: 'claim-timeout' });
    expect(claimed).toMatchObject({ phase: 'over', winner: 'X', ending: 'timeout' });
    expect(refusal(initial(), 'ada', T0, { type: 'claim-timeout' })).toBe('No game is running');
  });

  it('ends the game against a player who leaves it, and frees the seat', () => {
    const left = apply(play(started(), [4]), 'bob', T0 + 2000, { type: 'leave' });
    expect(left).toMatchObject({ phase: 'over', winner: 'X', ending: 'left', seats: { O: null } });
    expect(refusal(left, 'bob', T0 + 2500, { type: 'leave' })).toBe('You have no seat to leave');
    // A new player sitting down starts a new game.
    const next = apply(left, 'carol', T0 + 3000, { type: 'sit', seat: 'O', name: 'Carol' });
    expect(next).toMatchObject({ phase: 'playing', turn: 'X', turnStartedAt: T0 + 3000, winner: null });
    expect(next.board).toEqual(Array(9).fill(null));
    // Leaving before the game started just frees the seat.
    const alone = apply(initial(), 'ada', T0, { type: 'sit', seat: 'X', name: 'Ada' });
    expect(apply(alone, 'ada', T0 + 1, { type: 'leave' })).toMatchObject({ phase: 'waiting', seats: { X: null } });
  });

  it('frees an absent player’s seat after the grace period, outside a running game only', () => {
    const alone = apply(initial(), 'ada', T0, { type: 'sit', seat: 'X', name: 'Ada' });
    expect(refusal(alone, 'bob', T0 + 4_999, { type: 'free-seat', seat: 'X' })).toBe('Ada may still come back');
    expect(apply(alone, 'bob', T0 + 5_000, { type: 'free-seat', seat: 'X' }).seats.X).toBeNull();
    expect(refusal(alone, 'bob', T0, { type: 'free-seat', seat: 'O' })).toBe('The O seat is already free');
    expect(refusal(alone, 'ada', T0 + 9_000, { type: 'free-seat', seat: 'X' })).toBe('Use Leave to give up your seat');
    const running = play(started(), [4]);
    expect(refusal(running, 'carol', T0 + 9_000, { type: 'free-seat', seat: 'O' })).toBe(
      'The game is on: the clock decides',
    );
  });

  it('starts a rematch when both players agree, with the seats swapped', () => {
    const over = play(started(), [0, 3, 1, 4, 2]);
    expect(refusal(started(), 'ada', T0, { type: 'rematch' })).toBe('Finish this game first');
    expect(refusal(over, 'carol', T0 + 6000, { type: 'rematch' })).toBe('Only the players can ask for a rematch');
    const asked = apply(over, 'bob', T0 + 6000, { type: 'rematch' });
    expect(asked.rematch).toEqual(['O']);
    expect(asked.phase).toBe('over');
    expect(refusal(asked, 'bob', T0 + 6500, { type: 'rematch' })).toBe('You already asked');
    const again = apply(asked, 'ada', T0 + 7000, { type: 'rematch' });
    expect(again).toMatchObject({ phase: 'playing', turn: 'X', rematch: [], winner: null, turnStartedAt: T0 + 7000 });
    expect(again.seats.X?.userId).toBe('bob');
    expect(again.seats.O?.userId).toBe('ada');
    expect(again.clocks).toEqual({ X: 10_000, O: 10_000 });
    const gone = apply(over, 'bob', T0 + 6000, { type: 'leave' });
    expect(refusal(gone, 'ada', T0 + 6500, { type: 'rematch' })).toBe('Waiting for a second player');
  });
});
