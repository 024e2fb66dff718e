/**
 * Runs a command in a child process and collects what it wrote, for the runner's tests: the exit
 * code, stdout (unless it goes to a file descriptor of the caller's) and stderr. Killed after 60 s.
 * Also `sim` (what `npm run sim` runs) and a small scenario the runner's tests start from.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Scenario } from '../../shared/commands.js';

/** The repository's root: where `npm run sim` runs. */
export const ROOT = resolve(import.meta.dirname, '../..');

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runProcess(command: string, args: string[], cwd: string, stdoutFd?: number): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Runs the runner as `npm run sim` does (stdout to `stdoutFd` when given), killed after 60 s at most. */
export function sim(args: string[], stdoutFd?: number): Promise<Ran> {
  return runProcess(process.execPath, ['scripts/sim.mjs', ...args], ROOT, stdoutFd);
}

/** Two one-vCPU VPSs for two simulated seconds. */
export const small: Scenario = {
  name: 'small',
  seed: 5,
  durationS: 2,
  mode: 'para',
  vps: [
    { id: 'a', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 },
    { id: 'b', vcpus: 1, ramGiB: 1, diskIops: 100, netMbps: 10 },
  ],
};
