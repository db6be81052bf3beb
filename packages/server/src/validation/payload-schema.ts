import type { StandardSchemaV1 } from '@standard-schema/spec';

/** One problem found in a payload, with where it is (`['items', 0, 'name']`) when not at the root. */
export interface PayloadIssue {
  readonly message: string;
  readonly path?: (string | number)[];
}

/**
 * A refused payload. `issues` goes beyond `FrameError`'s `code`/`message`; it survives JSON serialisation, so a
 * client may show per-field errors.
 */
export interface PayloadRefusal {
  readonly ok: false;
  readonly error: {
    readonly code: 'invalid_payload';
    readonly message: string;
    readonly issues: readonly PayloadIssue[];
  };
}

/** The result of {@link PayloadValidator.validate}: the schema's output (possibly transformed) or the issues. */
export type PayloadValidation = { readonly ok: true; readonly value: unknown } | PayloadRefusal;

/**
 * Which schema checks which publish: a record keyed by event name (`'*'` for events without their own entry), or
 * a function of channel and event returning the schema (or undefined for none).
 */
export type PayloadSchemas =
  Readonly<Record<string, StandardSchemaV1>> | ((channel: string, event: string) => StandardSchemaV1 | undefined);

/** See {@link createPayloadValidator}. */
export interface PayloadValidator {
  /** Checks `data` against the schema for `event` on `channel`; with no schema, passes `data` unchanged. */
  validate(channel: string, event: string, data: unknown): Promise<PayloadValidation>;
}

/** How many issues the message spells out. */
const ISSUES_IN_MESSAGE = 3;

function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: { validate?: unknown } })['~standard'];
  return typeof props === 'object' && props !== null && typeof props.validate === 'function';
}

/**
 * Validates published payloads with any Standard Schema library (zod ≥ 3.24, valibot ≥ 1, ArkType, …). Events
 * without a schema pass unchanged; a failing payload yields an `invalid_payload` error whose message lists the
 * first issues (`text: Expected string, received number`) and whose `issues` carry all of them.
 *
 * ```ts
 * import { z } from 'zod'
 * const payloads = createPayloadValidator({
 *   message: z.object({ text: z.string().max(2000) }),
 *   typing: z.object({ typing: z.boolean() }),
 * })
 * const result = await payloads.validate('chat:1', 'message', data)
 * if (!result.ok) return nack(result.error)   // { code: 'invalid_payload', message, issues }
 * publish('chat:1', 'message', result.value)   // the schema's output
 * ```
 */
export function createPayloadValidator(schemas: PayloadSchemas): PayloadValidator {
  let lookup: (channel: string, event: string) => StandardSchemaV1 | undefined;
  if (typeof schemas === 'function') {
    lookup = schemas;
  } else {
    for (const [event, schema] of Object.entries(schemas)) {
      if (!isStandardSchema(schema))
        throw new TypeError(`the schema for "${event}" is not a Standard Schema (no ~standard.validate)`);
    }
    const table = { ...schemas };
    lookup = (_channel, event) =>
      Object.hasOwn(table, event) ? table[event] : Object.hasOwn(table, '*') ? table['*'] : undefined;
  }

  return {
    async validate(channel, event, data) {
      const schema = lookup(channel, event);
      if (schema === undefined) return { ok: true, value: data };
      if (!isStandardSchema(schema))
        throw new TypeError(`the schema for "${event}" on "${channel}" is not a Standard Schema`);
      const result = await schema['~standard'].validate(data);
      if (result.issues === undefined) return { ok: true, value: result.value };
      const issues = result.issues.map(toPayloadIssue);
      return { ok: false, error: { code: 'invalid_payload', message: summarise(event, issues), issues } };
    },
  };
}

function toPayloadIssue(issue: StandardSchemaV1.Issue): PayloadIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    return typeof key === 'symbol' ? (key.description ?? key.toString()) : key;
  });
  return path.length === 0 ? { message: issue.message } : { message: issue.message, path };
}

/** `items[0].name` for `['items', 0, 'name']`. */
function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}

function summarise(event: string, issues: readonly PayloadIssue[]): string {
  const listed = issues
    .slice(0, ISSUES_IN_MESSAGE)
    .map((issue) => (issue.path === undefined ? issue.message : `${formatPath(issue.path)}: ${issue.message}`));
  const more = issues.length > ISSUES_IN_MESSAGE ? ` (and ${issues.length - ISSUES_IN_MESSAGE} more)` : '';
  const detail = listed.length === 0 ? 'rejected by its schema' : listed.join('; ');
  return `invalid payload for "${event}": ${detail}${more}`;
}
