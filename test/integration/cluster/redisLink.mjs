/**
 * A network link to Redis for one server process of a cluster test: every connection made to it
 * is forwarded to Redis on 127.0.0.1:<argv[2]>, byte for byte. Stopped (SIGSTOP), it forwards
 * nothing and keeps its connections open, as a network dropping packets would: Redis no longer
 * answers the process behind it, while it answers every other process. Prints its port.
 */
import net from 'node:net';

const target = Number(process.argv[2]);
const server = net.createServer((inbound) => {
  const outbound = net.connect(target, '127.0.0.1');
  inbound.pipe(outbound);
  outbound.pipe(inbound);
  const close = () => {
    inbound.destroy();
    outbound.destroy();
  };
  inbound.on('error', close).on('close', close);
  outbound.on('error', close).on('close', close);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ link: server.address().port })}\n`);
});
