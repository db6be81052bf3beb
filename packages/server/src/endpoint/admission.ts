import { createChannelHub } from '@realtime-kit/core';
import type { ChannelBroker, ChannelHub } from '@realtime-kit/core';
import { readAuthResult, type AuthenticationResult, type AuthVerdict } from '../auth/result.js';
import type { AuthenticatedUser } from '../auth/user.js';
import { eventReporter, type ServerEvent, type ServerEventListener, type ServerTransport } from '../events.js';
import type { Realtime } from '../realtime.js';

/** setTimeout's largest delay (~24.8 days): a token valid longer than that is not timed (no connection lives so long). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What every endpoint's options share: where the hub and the audit trail come from, and the origin rule. */
export interface AdmissionOptions<H> {
  /** `createRealtime`'s state: its hub and its `onEvent`, unless the endpoint's own options name others. */
  readonly realtime?: Realtime;
  readonly hub?: H;
  /** Whether a browser page from `origin` (null when the request has none) may connect. A throw refuses (and goes to `onError`). */
  readonly checkOrigin?: (origin: string | null) => boolean;
  readonly onEvent?: ServerEventListener;
  readonly onError?: (error: unknown) => void;
}

/** Why admission refused a connection or request; each endpoint answers it its own way (a status, a close code, a `connect_error`). */
export interface AdmissionRefusal {
  readonly ok: false;
  /**
   * `forbidden`: the origin, or `authenticate`, refused; `unauthorized` / `token_expired`: the credentials;
   * `server_error`: `authenticate` threw (reported to `onError`, not to `onEvent`: it is not the client's doing).
   */
  readonly code: 'forbidden' | 'unauthorized' | 'token_expired' | 'server_error';
  readonly message: string;
  /** Which check refused. */
  readonly check: 'origin' | 'authenticate';
}

/** Admission's answer: the user (undefined when the endpoint has no `authenticate`), or a typed refusal. */
export type AdmissionVerdict = { readonly ok: true; readonly user: AuthenticatedUser | undefined } | AdmissionRefusal;

/** One credentials check: what the endpoint's `authenticate` is asked, bound to the request. */
export interface CredentialsCheck {
  readonly transport: ServerTransport;
  /** Calls the endpoint's `authenticate`; undefined when it has none (every connection is anonymous). */
  readonly authenticate: (() => AuthenticationResult | Promise<AuthenticationResult>) | undefined;
  /** The refusal's message when `authenticate` answers null ("no token", "sign in again"). */
  readonly refusal: string;
}

/**
 * The admission of one endpoint: resolves its hub once, then checks each connection or request the same way on
 * every endpoint — origin, then credentials — reporting each refusal to `onEvent` once, and times the token's expiry.
 */
export interface EndpointAdmission<H> {
  readonly hub: H;
  /** `onEvent`, guarded: a throwing listener goes to `onError`. */
  readonly report: (event: ServerEvent) => void;
  readonly onError: (error: unknown) => void;
  /** The origin check alone, for endpoints that check the request itself before its credentials. */
  checkOrigin(origin: string | null, transport: ServerTransport): AdmissionVerdict;
  /** The credentials check alone (after {@link checkOrigin}). */
  authenticate(check: CredentialsCheck): Promise<AdmissionVerdict>;
  /** Both checks, in order. */
  admit(origin: string | null, check: CredentialsCheck): Promise<AdmissionVerdict>;
  /**
   * Times the end of `user`'s token: at `expiresAt` the expiry is reported (`auth_failure` `token_expired`) and
   * `onExpire` ends the connection (the client comes back with a fresh token). Returns the cancel; nothing to time
   * without an `expiresAt`.
   */
  expireWith(user: AuthenticatedUser | undefined, transport: ServerTransport, onExpire: () => void): () => void;
}

/**
 * Builds an endpoint's admission. The hub is `options.hub`, else `realtime.hub`, else `createHub(report)` (default a
 * new `createChannelHub()`); `label` names the endpoint in the default `onError`'s log lines.
 */
export function createAdmission<H = ChannelHub<ChannelBroker>>(
  options: AdmissionOptions<H>,
  label: string,
  createHub: (report: (event: ServerEvent) => void) => H = () => createChannelHub<ChannelBroker>() as H,
): EndpointAdmission<H> {
  const onError = options.onError ?? ((error: unknown) => console.error(`[realtime-kit] ${label}:`, error));
  const report = eventReporter(options.onEvent ?? options.realtime?.onEvent, onError);
  const hub = options.hub ?? (options.realtime?.hub as H | undefined) ?? createHub(report);

  function checkOrigin(origin: string | null, transport: ServerTransport): AdmissionVerdict {
    if (!options.checkOrigin || originAllowed(origin)) return { ok: true, user: undefined };
    report({ type: 'auth_failure', transport, code: 'forbidden', reason: `origin ${String(origin)} is not allowed` });
    return {
      ok: false,
      code: 'forbidden',
      check: 'origin',
      message: `Requests from origin ${origin === null ? '(none)' : JSON.stringify(origin)} are not allowed.`,
    };
  }

  function originAllowed(origin: string | null): boolean {
    try {
      return options.checkOrigin?.(origin) === true;
    } catch (error) {
      onError(error);
      return false;
    }
  }

  const authenticate = (check: CredentialsCheck) => checkCredentials(check, { report, onError });

  return {
    hub,
    report,
    onError,
    checkOrigin,
    authenticate,
    async admit(origin, check) {
      const allowed = checkOrigin(origin, check.transport);
      return allowed.ok ? authenticate(check) : allowed;
    },
    expireWith(user, transport, onExpire) {
      if (user?.expiresAt === undefined) return () => {};
      const delay = Math.max(0, user.expiresAt - Date.now());
      if (delay > MAX_TIMER_MS) return () => {};
      const timer = setTimeout(() => {
        report({
          type: 'auth_failure',
          transport,
          code: 'token_expired',
          reason: 'token expired',
          userId: user.userId,
        });
        onExpire();
      }, delay);
      return () => clearTimeout(timer);
    },
  };
}

/** The credentials' channel scope, for `hub.connect`: nothing when they carry no limit of their own. */
export function channelScopeOf(user: AuthenticatedUser | undefined): { readonly channels?: readonly string[] } {
  return user?.channels === undefined ? {} : { channels: user.channels };
}

/**
 * Runs one credentials check: no `authenticate` admits anonymously; a throw is a `server_error` (to `onError`); an
 * answer is read by `readAuthResult` (null → `unauthorized` with the check's `refusal`, a past `expiresAt` →
 * `token_expired`), and a refusal is reported once (`auth_failure`) when there is a `report`. Endpoints use it
 * through their admission; route handlers without a hub (Pusher's, the channel keys') use it directly.
 */
export async function checkCredentials(
  { transport, authenticate, refusal }: CredentialsCheck,
  hooks: { readonly report?: (event: ServerEvent) => void; readonly onError: (error: unknown) => void },
): Promise<AdmissionVerdict> {
  if (!authenticate) return { ok: true, user: undefined };
  let verdict: AuthVerdict;
  try {
    verdict = readAuthResult(await authenticate(), refusal);
  } catch (error) {
    hooks.onError(error);
    return { ok: false, code: 'server_error', check: 'authenticate', message: 'Authentication failed on the server.' };
  }
  if (verdict.ok) return verdict;
  hooks.report?.({ type: 'auth_failure', transport, code: verdict.code, reason: verdict.message });
  return { ok: false, code: verdict.code, check: 'authenticate', message: verdict.message };
}
