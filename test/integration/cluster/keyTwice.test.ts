/**
 * In a cluster, a command for a lab another process runs, sent with its Idempotency-Key header
 * twice, is refused by the process that received it as given twice, naming the header; the
 * owner applies nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from '../helpers.js';
import { postWithKeys } from '../keyTwice.js';
import { stopAll, twoProcesses, type ServerProcess } from './harness.js';

/** Runs a lab of its own and MAX_LABS=1, so it never takes the steered lab. */
let sender: ServerProcess;
let owner: ServerProcess;

beforeAll(async () => {
  ({ owner, other: sender } = await twoProcesses('steered', { otherForwards: true }));
}, 180_000);

afterAll(async () => {
  await stopAll();
});

describe('Idempotency-Key given twice, to a lab another process runs', () => {
  it('is refused as given twice and nothing is applied', async () => {
    const events = async () => (await http(`${owner.url}/api/labs/steered/scenario`)).body.data.events;
    const before = await events();
    const command = { type: 'setLoad', vps: 'web-1', load: { cpu: 0.43 } };
    const r = await postWithKeys(`${sender.url}/api/labs/steered/commands`, command, ['key-1', 'key-2']);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'INVALID_INPUT', path: 'Idempotency-Key' });
    expect(r.body.error.message).toMatch(/^Idempotency-Key: given twice/);
    expect(await events()).toEqual(before);
    // Given once, it reaches the owner and applies.
    const once = await postWithKeys(`${sender.url}/api/labs/steered/commands`, command, ['key-1']);
    expect(once.body.ok, JSON.stringify(once.body)).toBe(true);
  }, 60_000);
});
