'use client';

import { RealtimeError } from '@realtime-kit/core';

import {
  LiveForm,
  type LiveFormField,
  type LiveFormValidator,
  type LiveFormVerdict,
} from '@/registry/realtime/blocks/live-form/live-form';
import { deploySite } from '@/app/actions/live-form';
import { DEMO_TASK_STEPS } from '@/lib/demo-task';

const fields: LiveFormField[] = [
  {
    name: 'username',
    label: 'Username',
    description: 'Your site will be at <username>.realtime-kit.dev.',
    required: true,
    autoComplete: 'username',
    maxLength: 20,
  },
  { name: 'email', label: 'Email', type: 'email', required: true, autoComplete: 'email' },
];

/** Asks /api/demo/username as the user types; LiveForm aborts the request when a newer value comes. */
const checkUsername: LiveFormValidator = async (value, { signal }) => {
  const response = await fetch(`/api/demo/username?name=${encodeURIComponent(value)}`, { signal });
  if (!response.ok) {
    throw new RealtimeError(
      response.status >= 500 ? 'server_error' : 'http_error',
      `The username check answered ${response.status}.`,
      {
        status: response.status,
      },
    );
  }
  return (await response.json()) as LiveFormVerdict;
};

const plannedSteps = DEMO_TASK_STEPS.map(({ id, label }) => ({ id, label }));

/**
 * The live-form demo: a real Server Action (app/actions/live-form.ts) that validates again and starts a deploy
 * whose progress streams from /api/demo/progress. It also works with JavaScript turned off.
 */
export function LiveFormDemo() {
  return (
    <div className="space-y-4">
      <p className="text-sm text-muted-foreground">
        Try <code>admin</code> or <code>ada</code> (taken), a name starting with <code>fail-</code> (the deploy fails)
        or <code>busy-</code> (the server is busy once: use Retry). Turn JavaScript off and it still posts and
        validates.
      </p>
      <LiveForm
        fields={fields}
        validators={{ username: checkUsername }}
        action={deploySite}
        permalink="/docs/live-form"
        labels={{ submit: 'Deploy', progressTitle: 'Deploying your site' }}
        progress={{ steps: plannedSteps }}
        className="max-w-md"
      />
    </div>
  );
}
