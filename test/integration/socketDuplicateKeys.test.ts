/**
 * A socket message that gives a key twice in one object is refused like a REST body that does:
 * INVALID_INPUT naming the key, nothing applied, the connection kept (its ack still answered).
 * Sent as raw socket.io packets over a real websocket (a socket.io client cannot write such JSON).
 */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, type TestServer } from './helpers.js';

let t: TestServer;
let ws: WebSocket;
/** Text packets received, oldest first. */
const received: string[] = [];

beforeAll(async () => {
  t = await startServer();
  expect((await http(`${t.url}/api/labs`, { method: 'POST', body: { id: 'demo' } })).status).toBe(201);
  ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d, binary) => {
      if (binary) return;
      const text = d.toString();
      received.push(text);
      if (text.startsWith('0{')) ws.send('40');
      else if (text.startsWith('40')) resolve();
      else if (text === '2') ws.send('3');
    });
    ws.once('error', reject);
  });
});

afterAll(async () => {
  ws?.close();
  await t?.close();
});

let nextId = 1;
/** Send `payload` (JSON text, sent as it is) as event `event` with an ack; resolves with the ack's answer. */
function send(
  event: string,
  payload: string,
): Promise<{ ok: boolean; data?: unknown; error?: Record<string, string> }> {
  const id = nextId++;
  const prefix = `43${id}[`;
  ws.send(`42${id}["${event}",${payload}]`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack ${id}`)), 5000);
    const look = () => {
      const hit = received.find((m) => m.startsWith(prefix));
      if (!hit) return;
      clearTimeout(timer);
      ws.off('message', look);
      resolve((JSON.parse(hit.slice(prefix.length - 1)) as [never])[0]);
    };
    ws.on('message', look);
  });
}

const webCpu = () =>
  t.server.registry
    .get('demo')!
    .state()
    .vps.find((v) => v.id === 'web-1')!.load.cpu;

describe('a socket message with a key given twice', () => {
  it('is refused naming the key, applies nothing, and the connection goes on', async () => {
    const before = webCpu();
    const dup = await send(
      'command',
      '{"lab":"demo","type":"setLoad","vps":"web-1","load":{"cpu":0.21,"cpu":0.93}}',
    );
    expect(dup.ok).toBe(false);
    expect(dup.error).toMatchObject({ code: 'INVALID_INPUT', path: 'load.cpu' });
    expect(dup.error!.message).toMatch(/load\.cpu: duplicate key/);
    t.advance(500);
    expect(webCpu()).toBe(before);

    const topLevel = await send('command', '{"lab":"demo","lab":"other","type":"stopFault","vps":"web-1"}');
    expect(topLevel.error).toMatchObject({ code: 'INVALID_INPUT', path: 'lab' });
    const join = await send('join', '{"lab":"demo","historyS":10,"historyS":60}');
    expect(join.error).toMatchObject({ code: 'INVALID_INPUT', path: 'historyS' });

    // The same text once per key, and a key's name inside a string value, are fine.
    const good = send(
      'command',
      '{"lab":"demo","type":"setLoad","vps":"web-1","load":{"cpu":0.93,"mem":0.2}}',
    );
    // Applied at the next tick boundary: the manual clock moves until the ack comes.
    const ticking = setInterval(() => t.advance(100), 20);
    const answer = await good.finally(() => clearInterval(ticking));
    expect(answer.ok).toBe(true);
    expect(webCpu()).toBe(0.93);
    const quoted = await send(
      'join',
      '{"lab":"demo","metrics":["cpuGranted"],"x":"\\"lab\\":1,\\"lab\\":2"}',
    );
    expect(quoted.error).toMatchObject({ code: 'INVALID_INPUT', path: 'x' });
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });
});
