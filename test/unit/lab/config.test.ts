import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';

describe('loadConfig', () => {
  it('defaults to loopback port 3000 with no token', () => {
    const c = loadConfig({}, []);
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', maxLabs: 16, commandRate: 10 });
    expect(c.controlToken).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
  });

  it('reads the environment, and flags win over it', () => {
    const c = loadConfig({ PORT: '4000', MAX_LABS: '3' }, ['--port', '5000', '--command-rate=2.5']);
    expect(c).toMatchObject({ port: 5000, maxLabs: 3, commandRate: 2.5 });
    const bodies = (env: Record<string, string>, argv: string[]) =>
      loadConfig(env, argv).maxBodyBytesInFlight;
    expect(bodies({}, [])).toBe(16 * 1024 * 1024);
    expect(bodies({ MAX_BODY_BYTES_IN_FLIGHT: '2097152' }, [])).toBe(2097152);
    expect(bodies({}, ['--max-body-bytes-in-flight=4194304'])).toBe(4194304);
    expect(loadConfig({}, []).bodyReadS).toBe(15);
    expect(loadConfig({ BODY_READ_S: '2.5' }, []).bodyReadS).toBe(2.5);
    expect(loadConfig({}, []).exportRate).toBe(300_000);
    expect(loadConfig({ EXPORT_RATE: '20000' }, []).exportRate).toBe(20_000);
    expect(loadConfig({ EXPORT_RATE: '20000' }, ['--export-rate=50000']).exportRate).toBe(50_000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MAX_LABS: '0' }, 'MAX_LABS'],
    [{ COMMAND_RATE: '-1' }, 'COMMAND_RATE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ALLOWED_ORIGINS: 'example.com' }, 'ALLOWED_ORIGINS'],
    [{ CONTROL_TOKEN: 'short' }, 'CONTROL_TOKEN'],
    [{ MAX_BODY_BYTES_IN_FLIGHT: '1000' }, 'MAX_BODY_BYTES_IN_FLIGHT'],
    [{ MAX_BODY_BYTES_IN_FLIGHT: '2mb' }, 'MAX_BODY_BYTES_IN_FLIGHT'],
    [{ BODY_READ_S: '0' }, 'BODY_READ_S'],
    [{ EXPORT_RATE: '10' }, 'EXPORT_RATE'],
    [{ EXPORT_RATE: '1e5' }, 'EXPORT_RATE'],
  ])('a bad value names its variable: %o', (env, name) => {
    expect(() => loadConfig(env, [])).toThrow(ConfigError);
    expect(() => loadConfig(env, [])).toThrow(new RegExp(`^${name}: `));
  });

  it('refuses to listen beyond loopback without a control token', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' }, [])).toThrow(/CONTROL_TOKEN/);
    expect(loadConfig({ HOST: '0.0.0.0', CONTROL_TOKEN: 'classroom-2026' }, []).host).toBe('0.0.0.0');
  });

  it('reads loopback however it is spelled, as the system binds it, and nothing else as loopback', () => {
    for (const host of [
      '127.1',
      '0x7f.0.0.1',
      '0177.0.0.1',
      '2130706433',
      '127.255.0.9',
      '::1',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
      'LOCALHOST',
    ])
      expect(loadConfig({ HOST: host }, []).host, host).toBe(host);
    for (const host of [
      '0.0.0.0',
      '::',
      '128.0.0.1',
      '0x80.1',
      '10.0.0.5',
      '::ffff:10.0.0.5',
      'example.org',
      '127.0.0.1.example.org',
    ])
      expect(() => loadConfig({ HOST: host }, []), host).toThrow(/CONTROL_TOKEN/);
  });

  it('rejects unknown flags and flags without a value', () => {
    expect(() => loadConfig({}, ['--prot', '1'])).toThrow(/--prot: unknown flag/);
    expect(() => loadConfig({}, ['--port'])).toThrow(/--port: needs a value/);
    expect(() => loadConfig({}, ['--data-dir='])).toThrow(/^--data-dir: needs a value/);
    expect(() => loadConfig({}, ['--client-dir', ''])).toThrow(/^--client-dir: needs a value/);
  });

  it('refuses a flag given twice, naming it, rather than the last one silently winning', () => {
    expect(() => loadConfig({}, ['--data-dir', '/srv/a', '--data-dir', '/srv/b'])).toThrow(
      /^--data-dir: given twice/,
    );
    expect(() => loadConfig({}, ['--port=4000', '--max-labs', '3', '--port', '5000'])).toThrow(
      /^--port: given twice/,
    );
    // An unknown flag is said to be unknown, however often it is given.
    expect(() => loadConfig({}, ['--prot', '1', '--prot', '2'])).toThrow(/^--prot: unknown flag/);
  });

  it('refuses DATA_DIR set to nothing (it would fall back to ./data), unless a flag names the folder', () => {
    expect(() => loadConfig({ DATA_DIR: '' }, [])).toThrow(/^DATA_DIR: is set but empty/);
    expect(loadConfig({ DATA_DIR: '' }, ['--data-dir', '/srv/labs']).dataDir).toBe('/srv/labs');
    expect(loadConfig({}, []).dataDir).toBe(path.resolve('./data'));
  });

  it('refuses an ADVERTISE_URL a URL parser cannot read, naming it', () => {
    expect(() => loadConfig({ ADVERTISE_URL: 'http://[::1' }, [])).toThrow(/^ADVERTISE_URL: expected a URL/);
    expect(loadConfig({ ADVERTISE_URL: 'http://lab-2.internal:3000' }, []).advertiseUrl).toBe(
      'http://lab-2.internal:3000',
    );
  });
});
