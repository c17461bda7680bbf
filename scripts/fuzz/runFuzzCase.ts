// Runs one fuzz case as a user runs the CLI: out/cli.js in a child process with a timeout and a
// V8 heap cap, and judges the outcome. Exit 0 (done), 2 (usage) and 3 (bad input) are the CLI's
// answers; anything else (another code, a signal, a timeout), a stack trace or "internal error" on
// stderr is a failure.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export interface CaseOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stderr: string;
  /** Why the case failed; undefined when it passed. */
  failure?: string;
}

export interface RunLimits {
  timeoutMs: number;
  maxOldSpaceMb: number;
}

const STDERR_KEEP = 8192;
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

export function judge(o: Omit<CaseOutcome, 'failure'>): string | undefined {
  if (o.timedOut) return `timeout after ${o.ms} ms`;
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
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < STDERR_KEEP) stderr += chunk.slice(0, STDERR_KEEP - stderr.length);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limits.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const outcome = { code, signal: timedOut ? null : signal, timedOut, ms: Date.now() - t0, stderr };
      resolve({ ...outcome, failure: judge(outcome) });
    });
  });
}
