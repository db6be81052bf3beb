import type { StandardSchemaV1 } from '@standard-schema/spec';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createPayloadValidator } from './payload-schema.js';

describe('createPayloadValidator with zod 4', () => {
  const payloads = createPayloadValidator({
    message: z.object({ text: z.string(), tags: z.array(z.string()).optional() }),
    trimmed: z.object({ text: z.string().transform((text) => text.trim()) }),
  });

  it('passes a valid payload and returns the schema output', async () => {
    expect(await payloads.validate('chat:1', 'message', { text: 'hi' })).toEqual({ ok: true, value: { text: 'hi' } });
    expect(await payloads.validate('chat:1', 'trimmed', { text: '  hi  ' })).toEqual({
      ok: true,
      value: { text: 'hi' },
    });
  });

  it('refuses an invalid payload with readable issues and paths', async () => {
    const result = await payloads.validate('chat:1', 'message', { text: 42, tags: ['a', 7] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_payload');
    expect(result.error.issues).toEqual([
      { message: expect.stringMatching(/expected string, received number/i), path: ['text'] },
      { message: expect.stringMatching(/expected string, received number/i), path: ['tags', 1] },
    ]);
    expect(result.error.message).toMatch(
      /^invalid payload for "message": text: .*expected string, received number.*; tags\[1\]: /i,
    );
    expect(JSON.parse(JSON.stringify(result.error))).toEqual(result.error);
  });

  it('reports a root-level issue without a path', async () => {
    const result = await payloads.validate('chat:1', 'message', 'just a string');
    expect(result.ok === false && result.error.issues[0]).toEqual({
      message: expect.stringMatching(/expected object/i),
    });
    expect(result.ok === false && result.error.message).toMatch(/^invalid payload for "message": Invalid input/);
  });

  it('passes events without a schema unchanged, including prototype names', async () => {
    const data = { anything: true };
    expect(await payloads.validate('chat:1', 'typing', data)).toEqual({ ok: true, value: data });
    expect(await payloads.validate('chat:1', 'constructor', 5)).toEqual({ ok: true, value: 5 });
    expect(await payloads.validate('chat:1', '__proto__', 5)).toEqual({ ok: true, value: 5 });
  });

  it('lists at most three issues in the message', async () => {
    const strict = createPayloadValidator({
      form: z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string() }),
    });
    const result = await strict.validate('c', 'form', {});
    expect(result.ok === false && result.error.issues).toHaveLength(5);
    expect(result.ok === false && result.error.message).toMatch(
      /^invalid payload for "form": a: .*; b: .*; c: .* \(and 2 more\)$/,
    );
  });

  it('supports async refinements', async () => {
    const async = createPayloadValidator({
      name: z.string().refine(async (name) => name !== 'taken', 'name already taken'),
    });
    expect(await async.validate('c', 'name', 'free')).toEqual({ ok: true, value: 'free' });
    expect(await async.validate('c', 'name', 'taken')).toMatchObject({
      ok: false,
      error: { message: 'invalid payload for "name": name already taken' },
    });
  });
});

describe('createPayloadValidator with valibot', () => {
  const payloads = createPayloadValidator({
    message: v.object({ text: v.string(), items: v.array(v.object({ qty: v.number() })) }),
  });

  it('passes a valid payload', async () => {
    const data = { text: 'hi', items: [{ qty: 1 }] };
    expect(await payloads.validate('chat:1', 'message', data)).toEqual({ ok: true, value: data });
  });

  it('refuses an invalid payload with nested paths', async () => {
    const result = await payloads.validate('chat:1', 'message', { text: 1, items: [{ qty: 1 }, { qty: 'x' }] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues).toEqual([
      { message: expect.stringMatching(/expected string/i), path: ['text'] },
      { message: expect.stringMatching(/expected number/i), path: ['items', 1, 'qty'] },
    ]);
    expect(result.error.message).toMatch(
      /text: Invalid type: Expected string but received 1; items\[1\]\.qty: Invalid type: Expected number/,
    );
  });
});

describe('createPayloadValidator lookup', () => {
  const onlyStrings = z.string();

  it("uses '*' for events without their own schema", async () => {
    const payloads = createPayloadValidator({ '*': z.object({}).passthrough(), raw: z.unknown() });
    expect((await payloads.validate('c', 'anything', 'text')).ok).toBe(false);
    expect(await payloads.validate('c', 'anything', { a: 1 })).toEqual({ ok: true, value: { a: 1 } });
    expect(await payloads.validate('c', 'raw', 'text')).toEqual({ ok: true, value: 'text' });
  });

  it('asks a function with the channel and event', async () => {
    const pick = vi.fn((channel: string, event: string) =>
      channel.startsWith('chat:') && event === 'message' ? onlyStrings : undefined,
    );
    const payloads = createPayloadValidator(pick);
    expect((await payloads.validate('chat:1', 'message', 5)).ok).toBe(false);
    expect(await payloads.validate('news', 'message', 5)).toEqual({ ok: true, value: 5 });
    expect(pick).toHaveBeenCalledWith('chat:1', 'message');
  });

  it('works with any hand-written Standard Schema, including issues without a message path', async () => {
    const symbol = Symbol('sym');
    const custom: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'custom',
        validate: (value) =>
          value === 'ok' ? { value: 'OK' } : { issues: [{ message: 'bad', path: [{ key: 'a' }, symbol, 2] }] },
      },
    };
    const payloads = createPayloadValidator({ e: custom });
    expect(await payloads.validate('c', 'e', 'ok')).toEqual({ ok: true, value: 'OK' });
    expect(await payloads.validate('c', 'e', 'no')).toEqual({
      ok: false,
      error: {
        code: 'invalid_payload',
        message: 'invalid payload for "e": a.sym[2]: bad',
        issues: [{ message: 'bad', path: ['a', 'sym', 2] }],
      },
    });
  });

  it('describes a failure with no issues listed', async () => {
    const empty: StandardSchemaV1 = { '~standard': { version: 1, vendor: 'custom', validate: () => ({ issues: [] }) } };
    expect(await createPayloadValidator({ e: empty }).validate('c', 'e', 1)).toMatchObject({
      ok: false,
      error: { message: 'invalid payload for "e": rejected by its schema', issues: [] },
    });
  });

  it('refuses things that are not Standard Schemas', async () => {
    expect(() => createPayloadValidator({ e: {} as StandardSchemaV1 })).toThrow(TypeError);
    const payloads = createPayloadValidator(() => ({ validate: () => true }) as unknown as StandardSchemaV1);
    await expect(payloads.validate('c', 'e', 1)).rejects.toBeInstanceOf(TypeError);
  });

  it('propagates a schema that throws', async () => {
    const throwing: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'custom',
        validate: () => {
          throw new Error('schema bug');
        },
      },
    };
    await expect(createPayloadValidator({ e: throwing }).validate('c', 'e', 1)).rejects.toThrow('schema bug');
  });
});
