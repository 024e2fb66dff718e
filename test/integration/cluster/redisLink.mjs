/**
 * A network link to Redis for one server process of a cluster test: every connection made to it
 * is forwarded to Redis on 127.0.0.1:<argv[2]>, byte for byte. Stopped (SIGSTOP), it forwards
 * nothing and keeps its connections open, as a network dropping packets would: Redis no longer
 * answers the process behind it, while it answers every other process. SIGUSR1 holds back Redis's
 * replies only (the process's commands still reach Redis and run there), SIGUSR2 lets them through
 * again: replies that come late, as from a Redis that answered just before it froze. Prints its port,
 * and a line each time it starts or stops holding replies back.
 */
import net from 'node:net';

const target = Number(process.argv[2]);
/** Each connection's way back from Redis. */
const replies = new Map();
let holding = false;

const server = net.createServer((inbound) => {
  const outbound = net.connect(target, '127.0.0.1');
  inbound.pipe(outbound);
  replies.set(outbound, inbound);
  if (holding) outbound.pause();
  else outbound.pipe(inbound);
  const close = () => {
    replies.delete(outbound);
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on('error', close).on('close', close);
  outbound.on('error', close).on('close', close);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ link: server.address().port })}\n`);
});

process.on('SIGUSR1', () => {
  if (holding) return;
  holding = true;
  for (const [outbound, inbound] of replies) {
    outbound.unpipe(inbound);
    outbound.pause();
  }
  process.stdout.write(`${JSON.stringify({ holding: true })}\n`);
});
process.on('SIGUSR2', () => {
  if (!holding) return;
  holding = false;
  for (const [outbound, inbound] of replies) outbound.pipe(inbound);
  process.stdout.write(`${JSON.stringify({ holding: false })}\n`);
});
