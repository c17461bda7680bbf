// Build and run the SpAtten authors' analytical model (bert.cpp) for the crosscheck harness.
//
// The source is read from ../shared (MIT, reference only: it is compiled here, never copied into
// the project). The binary goes to .test-cache/crosscheck/ and is rebuilt when the source's hash
// changes. bert.cpp reads `input.csv` from its working directory and prints `layer<TAB>cycles`
// per layer group, then `SUM<TAB>cycles`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');
export const BERT_CPP_SOURCE = path.resolve(ROOT, '../shared/spatten/authors/spatten_hardware/simulator/src/bert.cpp');
export const CACHE_DIR = path.join(ROOT, '.test-cache', 'crosscheck');
export const APT_LINE = 'apt-get update && apt-get install -y g++ libfmt-dev libfccp-dev';

/** Headers bert.cpp needs beyond the C++ standard library (csv.h from libfccp, fmt from libfmt). */
const HEADERS = [
  { file: '/usr/include/libfccp/csv.h', pkg: 'libfccp-dev' },
  { file: '/usr/include/fmt/format.h', pkg: 'libfmt-dev' },
];

/** The build prerequisites are missing; `message` names them and the apt-get line. */
export class ToolchainMissingError extends Error {}

/** What is missing to build bert.cpp here (empty when everything is present). */
export function missingPrerequisites(): string[] {
  const missing: string[] = [];
  if (spawnSync('g++', ['--version'], { encoding: 'utf8' }).status !== 0) missing.push('g++');
  for (const h of HEADERS) if (!existsSync(h.file)) missing.push(`${h.pkg} (${h.file})`);
  if (!existsSync(BERT_CPP_SOURCE)) missing.push(`the authors' source ${BERT_CPP_SOURCE}`);
  return missing;
}

export interface BertBinary {
  path: string;
  /** sha256 of bert.cpp, and the compiler that built it (for the report). */
  sourceSha256: string;
  compiler: string;
}

/** Compile bert.cpp (the authors' README command) unless an up-to-date binary is cached. */
export function buildBertCpp(): BertBinary {
  const missing = missingPrerequisites();
  if (missing.length > 0) {
    throw new ToolchainMissingError(`cannot build bert.cpp: missing ${missing.join(', ')}. Install with: ${APT_LINE}`);
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  const sha = createHash('sha256').update(readFileSync(BERT_CPP_SOURCE)).digest('hex');
  const compiler = spawnSync('g++', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const bin = path.join(CACHE_DIR, 'bert');
  const stamp = path.join(CACHE_DIR, 'bert.stamp');
  const want = `${sha} ${compiler}`;
  if (!existsSync(bin) || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    const args = ['-std=c++20', '-O2', '-I/usr/include/libfccp', BERT_CPP_SOURCE, '-o', bin, '-lfmt', '-pthread'];
    const r = spawnSync('g++', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`g++ ${args.join(' ')} failed:\n${r.stderr}`);
    writeFileSync(stamp, want);
  }
  return { path: bin, sourceSha256: sha, compiler };
}

export interface BertPreset {
  /** Our hardware preset with the same parameters. */
  hardware: 'spatten-1x' | 'spatten-1/8';
  /** bert.cpp's arguments: DRAM channels, multipliers. */
  args: [string, string];
}

export const BERT_PRESETS: readonly BertPreset[] = [
  { hardware: 'spatten-1x', args: ['16', '512'] },
  { hardware: 'spatten-1/8', args: ['2', '64'] },
];

/** Run bert.cpp on an input.csv text; returns the cycles of each layer group in order. One work folder per process: bert.cpp reads a fixed file name. */
export function runBertCpp(bin: BertBinary, inputCsv: string, preset: BertPreset, workDir = path.join(CACHE_DIR, `run-${process.pid}`)): number[] {
  mkdirSync(workDir, { recursive: true });
  writeFileSync(path.join(workDir, 'input.csv'), inputCsv);
  const r = spawnSync(bin.path, preset.args, { cwd: workDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bert.cpp exited with ${r.status ?? r.signal}: ${r.stderr}`);
  const cycles: number[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+)\t(\d+)$/.exec(line);
    if (m) cycles.push(Number(m[2]));
  }
  return cycles;
}
