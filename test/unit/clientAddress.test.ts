import { describe, expect, it } from 'vitest';
import { limitKey } from '../../server/net/clientAddress.js';

describe('the key a client address is limited by', () => {
  it('is an IPv4 address as it is, also when it comes IPv4-mapped', () => {
    expect(limitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('::FFFF:127.0.0.1')).toBe('127.0.0.1');
    expect(limitKey('203.0.113.8')).not.toBe(limitKey('203.0.113.7'));
  });

  it('is the /64 network of an IPv6 address, however it is written', () => {
    const key = limitKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    for (const same of [
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:0000:0000:0000:abcd',
      '2001:DB8:1:2::9%eth0',
      '2001:db8:1:2:0:0:192.0.2.1',
    ])
      expect(limitKey(same), same).toBe(key);
    for (const other of ['2001:db8:1:3::1', '2001:db8::1', '2001:db8:1::2:0:0:1'])
      expect(limitKey(other), other).not.toBe(key);
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('is "unknown" without an address, and anything else as it is', () => {
    expect(limitKey(undefined)).toBe('unknown');
    expect(limitKey('')).toBe('unknown');
    expect(limitKey('not an address')).toBe('not an address');
  });
});
