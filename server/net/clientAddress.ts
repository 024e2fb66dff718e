/**
 * The key a client address is held to its limits by (connections, joins, bytes waiting, bodies,
 * exports): an IPv4 address as it is (also when it comes as an IPv4-mapped IPv6 address, as on a
 * dual-stack listener), an IPv6 address by its /64 network. One IPv6 host is given a whole /64
 * and may use any address in it: keyed by the full address, one client rotating its addresses
 * would get a fresh budget with each.
 */
import { isIPv6 } from 'node:net';

export function limitKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  const plain = address.split('%')[0].toLowerCase();
  if (!isIPv6(plain)) return address;
  // Eight 16-bit groups, "::" filled with zeros (a dotted IPv4 tail is two groups).
  const groups = (s: string) => (s ? s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : []);
  const [head, tail] = plain.includes('::') ? plain.split('::') : [plain, ''];
  const h = groups(head);
  const t = groups(tail);
  const full = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${full
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
