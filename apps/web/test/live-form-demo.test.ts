// The live-form demo's server side: the username route (live checks), and the Server Action that validates
// again. The action is called as Next calls it for a post without JavaScript: with the FormData parsed from a
// plain urlencoded request body. (Next's own action plumbing — the hidden $ACTION_ID field — needs a built app
// and is not exercised here.)
import { describe, expect, it } from 'vitest';

import { deploySite } from '../app/actions/live-form';
import {
  answerUsernameCheck,
  checkEmail,
  checkUsername,
  deployProgressUrl,
  TAKEN_USERNAMES,
  validateDeploy,
} from '../app/actions/live-form-rules';
import { demoTaskScript } from '../lib/demo-task';

/** The FormData a browser without JavaScript sends: `application/x-www-form-urlencoded`, parsed like Next does. */
function postedForm(fields: Record<string, string>): Promise<FormData> {
  return new Request('http://demo.test/docs/live-form', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  }).formData();
}

describe('live-form rules', () => {
  it('refuses taken, short, long and malformed usernames, and says why', () => {
    for (const name of TAKEN_USERNAMES)
      expect(checkUsername(name)).toEqual({ valid: false, message: `“${name}” is taken. Try another.` });
    expect(checkUsername('ab')).toMatchObject({ valid: false, message: 'Use at least 3 characters.' });
    expect(checkUsername('a'.repeat(21))).toMatchObject({ valid: false, message: 'Use at most 20 characters.' });
    expect(checkUsername('-dash')).toMatchObject({ valid: false });
    expect(checkUsername('Upper')).toMatchObject({ valid: false });
    expect(checkUsername('  ada-lovelace ')).toEqual({
      valid: true,
      message: 'ada-lovelace.realtime-kit.dev is available.',
    });
  });

  it('checks email addresses loosely', () => {
    expect(checkEmail('')).toMatchObject({ valid: false });
    expect(checkEmail('grace@')).toMatchObject({ valid: false });
    expect(checkEmail('grace@example.dev')).toEqual({ valid: true });
  });

  it('collects every field error and returns the trimmed values', async () => {
    expect(validateDeploy(await postedForm({ username: ' admin ', email: 'nope' }))).toEqual({
      ok: false,
      values: { username: 'admin', email: 'nope' },
      fieldErrors: {
        username: '“admin” is taken. Try another.',
        email: 'Enter an email address like name@example.com.',
      },
    });
    expect(validateDeploy(await postedForm({ username: 'grace-h', email: 'g@example.dev' }))).toEqual({
      ok: true,
      values: { username: 'grace-h', email: 'g@example.dev' },
    });
    // A form posted with a field missing altogether is refused too.
    expect(validateDeploy(await postedForm({ username: 'grace-h' }))).toMatchObject({
      ok: false,
      fieldErrors: { email: 'Enter your email address.' },
    });
  });

  it('points each job at its own progress stream; fail- names fail the run', () => {
    const url = new URL(
      deployProgressUrl({ username: 'grace-h', email: 'g@example.dev' }, 'job-1'),
      'http://demo.test',
    );
    expect(url.pathname).toBe('/api/demo/progress');
    expect(url.searchParams.get('job')).toBe('job-1');
    expect(url.searchParams.has('fail')).toBe(false);
    const failing = new URL(
      deployProgressUrl({ username: 'fail-once', email: 'g@example.dev' }, 'job-2'),
      'http://demo.test',
    );
    expect(failing.searchParams.get('fail')).toBe('1');
    // What that route streams for it: the simulated task, ending with an error event.
    expect(demoTaskScript({ fail: failing.searchParams.get('fail') === '1' }).at(-1)?.event).toBe('error');
  });
});

// What /api/demo/username returns (the route adds only Next's `connection()`).
describe('username route', () => {
  it('answers a verdict after the simulated lookup', async () => {
    const taken = await answerUsernameCheck(new Request('http://demo.test/api/demo/username?name=ada'), {
      latencyMs: 5,
    });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ valid: false, message: '“ada” is taken. Try another.' });
    const free = await answerUsernameCheck(new Request('http://demo.test/api/demo/username?name=ada-l'), {
      latencyMs: 5,
    });
    expect(await free.json()).toEqual({ valid: true, message: 'ada-l.realtime-kit.dev is available.' });
  });

  it('stops at once when the client aborts (a newer value was typed)', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const answer = answerUsernameCheck(
      new Request('http://demo.test/api/demo/username?name=ada', { signal: controller.signal }),
      { latencyMs: 10_000 },
    );
    controller.abort();
    const response = await answer;
    expect(response.status).toBe(499);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('deploySite (the Server Action), posted without JavaScript', () => {
  it('validates again on the server: field errors and the submitted values come back for the page to render', async () => {
    const state = await deploySite({ status: 'idle' }, await postedForm({ username: 'admin', email: 'grace@' }));
    expect(state).toEqual({
      status: 'invalid',
      message: 'Please fix the highlighted fields.',
      fieldErrors: {
        username: '“admin” is taken. Try another.',
        email: 'Enter an email address like name@example.com.',
      },
      values: { username: 'admin', email: 'grace@' },
    });
  });

  it('starts the job and returns where its progress streams', async () => {
    const state = await deploySite(
      { status: 'idle' },
      await postedForm({ username: 'grace-h', email: 'grace@example.dev' }),
    );
    expect(state).toMatchObject({
      status: 'working',
      message: 'grace-h.realtime-kit.dev is live.',
      values: { username: 'grace-h', email: 'grace@example.dev' },
    });
    const url = new URL((state as { progressUrl: string }).progressUrl, 'http://demo.test');
    expect(url.pathname).toBe('/api/demo/progress');
    const again = await deploySite(state, await postedForm({ username: 'grace-h', email: 'grace@example.dev' }));
    // A new job per submission, so the client never takes an old run's end for the new one's.
    expect((again as { progressUrl: string }).progressUrl).not.toBe((state as { progressUrl: string }).progressUrl);
  });

  it('refuses busy- names once with a retryable error; the retry with the same data starts the job', async () => {
    const form = await postedForm({ username: 'busy-bee', email: 'bee@example.dev' });
    expect(await deploySite({ status: 'idle' }, form)).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/busy/),
      values: { username: 'busy-bee' },
    });
    expect(await deploySite({ status: 'idle' }, form)).toMatchObject({ status: 'working' });
  });
});
