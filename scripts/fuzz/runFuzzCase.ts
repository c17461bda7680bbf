// Runs one fuzz case as a user runs the CLI: out/cli.js in a child process with a timeout and a
// V8 heap cap, and judges the outcome. Exit 0 (done), 2 (usage) and 3 (bad input) are the CLI's
// answers; anything else (another code, a signal, a timeout), a stack trace or "internal error" on
// stderr is a failure.
//
// The timeout reads the case's CPU time from /proc (Linux), so a loaded machine that starves the
// case of a core does not pass for a hang: at load 15 a case that needed 1 s of CPU took 32 s of
// wall clock, at load 35 one took 121 s for 1.6 s of CPU. A case that works too long hits the CPU
// limit; a case blocked without working (a read that never returns) is caught when its CPU time
// stops advancing for STALL_FACTOR times the limit (the scheduler never starves a runnable
// process for that long); WALL_FACTOR times the limit of wall clock is the last resort (a case
// that wakes now and then but never finishes). Without /proc the limit is wall clock.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface CaseOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Wall-clock time of the case. */
  ms: number;
  /** CPU time of the case when it was last read (undefined where /proc is not available). */
  cpuMs?: number;
  stderr: string;
  /** Why the case failed; undefined when it passed. */
  failure?: string;
}

export interface RunLimits {
  /** CPU time a case may use (wall-clock time where the CPU time cannot be read). */
  timeoutMs: number;
  maxOldSpaceMb: number;
}

/** No CPU progress for this many times the CPU-time limit: the case is blocked. */
export const STALL_FACTOR = 2;
/** The wall-clock backstop, in multiples of the CPU-time limit. */
export const WALL_FACTOR = 20;
const CPU_POLL_MS = 250;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

/** The process's user + system CPU time (ms) from /proc, or undefined (not Linux, or it ended). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, may hold spaces): 3 state ... 14 utime, 15 stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

const STDERR_KEEP = 8192;
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

export function judge(o: Omit<CaseOutcome, 'failure'>): string | undefined {
  if (o.timedOut) return `timeout after ${o.ms} ms${o.cpuMs === undefined ? '' : ` (${Math.round(o.cpuMs)} ms of CPU)`}`;
  if (o.signal) return `killed by ${o.signal}`;
  if (o.code !== 0 && o.code !== 2 && o.code !== 3) return `exit code ${o.code}`;
  if (/internal error/i.test(o.stderr)) return 'internal error on stderr';
  if (STACK_LINE.test(o.stderr)) return 'stack trace on stderr';
  return undefined;
}

export function runCliCase(repoRoot: string, args: string[], limits: RunLimits): Promise<CaseOutcome> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.maxOldSpaceMb}`, path.join(repoRoot, 'out', 'cli.js'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    let cpuMs: number | undefined;
    let progressAt = t0;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.slice(0, STDERR_KEEP - stderr.length);
    });
    const timer = setInterval(() => {
      const now = Date.now();
      const read = child.pid === undefined ? undefined : processCpuMs(child.pid);
      // Only growth counts: once its threads end (killed, exiting) /proc shows the main thread's share.
      if (read !== undefined && (cpuMs === undefined || read > cpuMs)) {
        progressAt = now;
        cpuMs = read;
      }
      const over = cpuMs === undefined
        ? now - t0 > limits.timeoutMs
        : cpuMs > limits.timeoutMs || now - progressAt > STALL_FACTOR * limits.timeoutMs || now - t0 > WALL_FACTOR * limits.timeoutMs;
      if (over && !timedOut) {
        timedOut = true;
        child.kill('SIGKILL');
      }
    }, CPU_POLL_MS);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      const outcome = { code, signal: timedOut ? null : signal, timedOut, ms: Date.now() - t0, cpuMs, stderr };
      resolve({ ...outcome, failure: judge(outcome) });
    });
  });
}
