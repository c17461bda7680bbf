// `npm run fuzz [-- --cases N --seed S --jobs J --timeout-ms T]`: mutates models (bytes and
// structure), tokenizers, input text, policy and hardware JSON and workload CSVs (see
// scripts/fuzz/), runs the CLI on each case in a child process with a timeout (--timeout-ms of
// CPU time, or that long twice over without CPU progress; see scripts/fuzz/runFuzzCase.ts) and a heap cap,
// and saves every failing case (files, command, stderr) under .test-cache/fuzz/failures/.
// Case i of seed S is the same on every machine: rerun one with --from i --cases 1.
// Prints one line per 100 cases and a summary; exits 1 if any case failed.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CASE_KINDS, makeCase, type FuzzCase } from './fuzz/fuzzCases';
import { FuzzRandom } from './fuzz/fuzzRandom';
import { makeSeeds } from './fuzz/fuzzSeeds';
import { runCliCase, type CaseOutcome, type RunLimits } from './fuzz/runFuzzCase';

const REPO_ROOT = path.resolve(__dirname, '..');
const FUZZ_ROOT = path.join(REPO_ROOT, '.test-cache', 'fuzz');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} takes a non-negative integer`);
  return value;
}

/** Keeps a failing case: its files (paths in the command rewritten to the copy), command, stderr. */
function saveFailure(seed: number, index: number, caseDir: string, c: FuzzCase, o: CaseOutcome): string {
  const dir = path.join(FUZZ_ROOT, 'failures', `s${seed}-c${index}-${c.kind}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(caseDir, dir, { recursive: true });
  const args = c.args.map((a) => a.split(caseDir).join(dir));
  writeFileSync(path.join(dir, 'repro.json'), JSON.stringify({ seed, case: index, kind: c.kind, label: c.label, failure: o.failure, command: ['node', 'out/cli.js', ...args], code: o.code, signal: o.signal, ms: o.ms, cpuMs: o.cpuMs, stderr: o.stderr }, null, 2));
  return dir;
}

async function main(): Promise<number> {
  const cases = option('cases', 300);
  const seed = option('seed', 1);
  const from = option('from', 0);
  const jobs = Math.max(1, option('jobs', 2));
  const limits: RunLimits = { timeoutMs: option('timeout-ms', 30_000), maxOldSpaceMb: option('max-old-space-mb', 512) };
  const seeds = await makeSeeds(path.join(FUZZ_ROOT, 'seeds'));
  const work = path.join(FUZZ_ROOT, 'work', `s${seed}-${process.pid}`);
  const t0 = Date.now();
  const counts = new Map<string, number>();
  const failures: string[] = [];
  let next = from;
  let done = 0;

  async function worker(): Promise<void> {
    while (next < from + cases) {
      const index = next++;
      const rng = new FuzzRandom(seed, index);
      const kind = CASE_KINDS[index % CASE_KINDS.length];
      const caseDir = path.join(work, `c${index}`);
      const c = makeCase(kind, seeds, caseDir, rng);
      const o = await runCliCase(REPO_ROOT, c.args, limits);
      const key = `${kind} ${o.failure ? 'FAIL' : `exit ${o.code}`}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (o.failure) {
        const saved = saveFailure(seed, index, caseDir, c, o);
        failures.push(`case ${index} (${c.label}): ${o.failure} -> ${path.relative(REPO_ROOT, saved)}`);
        console.log(`FAIL case ${index} (${c.label}): ${o.failure}\n  ${o.stderr.trim().split('\n').slice(0, 3).join('\n  ')}`);
      }
      rmSync(caseDir, { recursive: true, force: true });
      done += 1;
      if (done % 100 === 0) console.log(`[fuzz] ${done}/${cases} cases, ${failures.length} failures, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  }
  await Promise.all(Array.from({ length: jobs }, worker));
  rmSync(work, { recursive: true, force: true });
  for (const [key, n] of [...counts].sort()) console.log(`  ${key}: ${n}`);
  for (const f of failures) console.log(`  ${f}`);
  console.log(`fuzz: ${done} cases, ${failures.length} failures (seed ${seed}, from ${from}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return failures.length > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
