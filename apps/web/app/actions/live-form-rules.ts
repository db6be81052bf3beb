/**
 * The rules behind the live-form demo, shared by the username route (live checks as the user types) and the
 * Server Action (the same checks again on submit, which is what a post without JavaScript relies on).
 * Plain functions with no Next.js request scope, so they are tested directly.
 */
import type { LiveFormVerdict } from '@/registry/realtime/blocks/live-form/live-form';

/** Names the demo treats as already taken. */
export const TAKEN_USERNAMES: readonly string[] = ['admin', 'root', 'acme', 'ada', 'grace', 'realtime', 'www'];

/** The form's fields, as submitted (a type, not an interface, so it fits LiveFormState's `values` record). */
export type DeployValues = {
  username: string;
  email: string;
};

const USERNAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
// Deliberately loose: one @, something on each side, a dot in the domain. The real check is the email you send.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether `raw` can be claimed as a username: 3 to 20 lowercase letters, digits or inner dashes, not taken. */
export function checkUsername(raw: string): LiveFormVerdict {
  const name = raw.trim();
  if (name.length < 3) return { valid: false, message: 'Use at least 3 characters.' };
  if (name.length > 20) return { valid: false, message: 'Use at most 20 characters.' };
  if (!USERNAME.test(name))
    return { valid: false, message: 'Use lowercase letters, digits and dashes (not at either end).' };
  if (TAKEN_USERNAMES.includes(name)) return { valid: false, message: `“${name}” is taken. Try another.` };
  return { valid: true, message: `${name}.realtime-kit.dev is available.` };
}

/** Whether `raw` looks like an email address. */
export function checkEmail(raw: string): LiveFormVerdict {
  const email = raw.trim();
  if (email === '') return { valid: false, message: 'Enter your email address.' };
  if (!EMAIL.test(email)) return { valid: false, message: 'Enter an email address like name@example.com.' };
  return { valid: true };
}

/** Every field of a submission checked; the values come back trimmed so the form can show them again. */
export function validateDeploy(
  formData: FormData,
):
  | { ok: true; values: DeployValues }
  | { ok: false; values: DeployValues; fieldErrors: Partial<Record<keyof DeployValues, string>> } {
  const values: DeployValues = { username: text(formData, 'username'), email: text(formData, 'email') };
  const fieldErrors: Partial<Record<keyof DeployValues, string>> = {};
  const username = checkUsername(values.username);
  if (!username.valid) fieldErrors.username = username.message;
  const email = checkEmail(values.email);
  if (!email.valid) fieldErrors.email = email.message;
  return Object.keys(fieldErrors).length === 0 ? { ok: true, values } : { ok: false, values, fieldErrors };
}

/**
 * Where the deploy job's progress streams: the simulated task of /api/demo/progress (the stream-progress
 * protocol), one URL per job. A username starting with `fail-` makes the run fail in its last step.
 */
export function deployProgressUrl(values: DeployValues, jobId: string): string {
  const params = new URLSearchParams({ job: jobId });
  if (values.username.startsWith('fail-')) params.set('fail', '1');
  return `/api/demo/progress?${params}`;
}

/** Simulated lookup latency of the username route: a base plus jitter, so fast typing really overlaps requests. */
const LOOKUP_BASE_MS = 250;
const LOOKUP_JITTER_MS = 350;

/**
 * The username route's answer to `?name=…`: the verdict as JSON after a simulated lookup, or a bare 499 when the
 * client aborted first (a newer value was typed), so no work is spent on an answer nobody reads.
 */
export async function answerUsernameCheck(
  request: Request,
  { latencyMs = LOOKUP_BASE_MS + Math.random() * LOOKUP_JITTER_MS }: { latencyMs?: number } = {},
): Promise<Response> {
  const name = new URL(request.url).searchParams.get('name') ?? '';
  if (await delay(latencyMs, request.signal)) return new Response(null, { status: 499 });
  return Response.json(checkUsername(name), { headers: { 'cache-control': 'no-store' } });
}

/** Waits `ms`; resolves true early if `signal` aborts. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      { once: true },
    );
  });
}

function text(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === 'string' ? value.trim() : '';
}
