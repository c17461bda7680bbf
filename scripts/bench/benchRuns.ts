// The bench's processes: a whole `profile` (the CLI bundle, as a user runs it) and a plain ORT
// process (scripts/bench/plainOrtRun.mjs) on the same model file, token ids and thread count
// (both leave ORT's intra-op thread count at its default), run one after the other, case by
// case, so a load that comes and goes on a shared machine hits both alike.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tokenizeInput } from '../../src/engine/promptTokens';
import { loadTokenizerForModel } from '../../src/engine/tokenize/tokenizerForModel';
import type { ProcessSample } from './benchTable';

// The child reports its own CPU time and peak RSS as it exits (a data: URL module, no extra file).
const REPORTER = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nBENCH "+(u.user+u.system)/1000+" "+process.resourceUsage().maxRSS+"\\n")})';

const PLAIN_ORT = path.join(__dirname, 'plainOrtRun.mjs');

export interface ProfileRun {
  cli: string;
  model: string;
  textFile: string;
  maxTokens: number;
  policy: string;
  generate: number;
  /** Scratch folder for the report JSON. */
  scratch: string;
}

export interface OrtRun {
  model: string;
  idsFile: string;
  generate: number;
}

function spawnMeasured(args: string[], what: string): { wallMs: number; cpuMs: number; peakRssMb: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORTER, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - t;
  const m = /BENCH (\S+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr ?? '').trim().slice(-600)}`);
  return { wallMs, cpuMs: Number(m[1]), peakRssMb: Number(m[2]) / 1024, stdout: r.stdout };
}

/** One whole profile process; its pass is the engine pass (or generation) the report measured. */
export function runProfileProcess(p: ProfileRun): ProcessSample & { inputTokens: number } {
  mkdirSync(p.scratch, { recursive: true });
  const json = path.join(p.scratch, `bench-report-${process.pid}.json`);
  const args = [p.cli, 'profile', p.model, '--text-file', p.textFile, '--max-tokens', String(p.maxTokens), '--policy', p.policy, '--json', json];
  if (p.generate > 0) args.push('--generate', String(p.generate));
  const r = spawnMeasured(args, `profile of ${p.model}`);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { timings: Record<string, { value: number; unit: string }>; summary: { inputTokens: { value: number } } };
  const pass = report.timings[p.generate > 0 ? 'engineGeneration' : 'engineRun'];
  if (!pass || pass.unit !== 's') throw new Error(`${json}: no engine timing in seconds in the report`);
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssMb: r.peakRssMb, passMs: pass.value * 1000, inputTokens: report.summary.inputTokens.value };
}

/** One plain ORT process; its pass is the run (or the generation with past key/values). */
export function runOrtProcess(o: OrtRun): ProcessSample & { generated?: number[] } {
  const args = [PLAIN_ORT, o.model, o.idsFile];
  if (o.generate > 0) args.push('--generate', String(o.generate));
  const r = spawnMeasured(args, `plain ORT on ${o.model}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { runMs: number; generated?: number[] };
  return { wallMs: r.wallMs, cpuMs: r.cpuMs, peakRssMb: r.peakRssMb, passMs: out.runMs, generated: out.generated };
}

/**
 * The token ids a profile of `textFile` reads at `maxTokens` (the engine's own tokenizer and
 * truncation), written to a JSON file for the plain ORT process. The bench keeps every case within
 * the model's position table, so the profile fits nothing further (it checks the count it read).
 */
export function writeProfileIds(model: string, textFile: string, maxTokens: number, scratch: string): { file: string; count: number } {
  const tokens = tokenizeInput(loadTokenizerForModel(model), readFileSync(textFile, 'utf8'), maxTokens, 'bench input', []);
  mkdirSync(scratch, { recursive: true });
  const file = path.join(scratch, `ids-${path.basename(path.dirname(model))}-${maxTokens}.json`);
  writeFileSync(file, JSON.stringify(tokens.ids));
  return { file, count: tokens.ids.length };
}
