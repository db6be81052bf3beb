'use server';

import type { LiveFormState } from '@/registry/realtime/blocks/live-form/live-form';

import { deployProgressUrl, validateDeploy } from './live-form-rules';

/** Simulated server latency, so the optimistic "Submitting…" is visible in the demo. */
const LATENCY_MS = 500;

/** Usernames starting with `busy-` that have already been refused once: the demo's outage lasts one attempt. */
const refusedOnce = new Set<string>();

/**
 * The live-form demo's Server Action: validates the submission again (the live checks are a convenience, and a
 * post without JavaScript has had none), then starts the deploy job and returns where its progress streams.
 * A username starting with `busy-` is refused once with a retryable error, to show Retry.
 */
export async function deploySite(_previous: LiveFormState, formData: FormData): Promise<LiveFormState> {
  await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
  const result = validateDeploy(formData);
  if (!result.ok) {
    return {
      status: 'invalid',
      message: 'Please fix the highlighted fields.',
      fieldErrors: result.fieldErrors,
      values: result.values,
    };
  }
  const { values } = result;
  if (values.username.startsWith('busy-') && !refusedOnce.has(values.username)) {
    refusedOnce.add(values.username);
    return { status: 'error', message: 'The build servers are busy. Nothing was started; please try again.', values };
  }
  refusedOnce.delete(values.username);
  return {
    status: 'working',
    progressUrl: deployProgressUrl(values, crypto.randomUUID()),
    message: `${values.username}.realtime-kit.dev is live.`,
    values,
  };
}
