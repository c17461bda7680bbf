// The fuzzer's seed corpus, made once per run under .test-cache/fuzz/seeds: generated ONNX
// fixtures of each family (with a tokenizer.json beside the BERT and GPT-2 ones, external data for
// one), the real stories260K with its llama2.c tokenizer.bin, the shipped policy and hardware
// JSON files, and a workload CSV traced from stories260K by the CLI itself.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateFixture, type FixtureKind, type FixtureVariant } from '../../test/fixtures/generateFixture';
import { convertStories260K, REPO_ROOT } from '../../test/unit/model/stories260kModel';

/** A model folder: model.onnx plus whatever sits beside it (tokenizer, external data). */
export interface ModelSeed {
  name: string;
  dir: string;
  /** File name of the model inside dir. */
  model: string;
  /** The tokenizer beside it, if any. */
  tokenizer?: 'tokenizer.json' | 'tokenizer.bin';
  /** External data file beside it, if any. */
  externalData?: string;
}

export interface FuzzSeeds {
  models: ModelSeed[];
  policies: { name: string; text: string }[];
  hardware: { name: string; text: string }[];
  workloadCsv: string;
}

const MODEL_FIXTURES: { kind: FixtureKind; variant: FixtureVariant; withTokenizer: boolean }[] = [
  { kind: 'bert', variant: 'fp32', withTokenizer: true },
  { kind: 'gpt2', variant: 'fp32', withTokenizer: true },
  { kind: 'llama', variant: 'fp32', withTokenizer: false },
  { kind: 'gpt2-fused', variant: 'fp32', withTokenizer: false },
  { kind: 'bert', variant: 'external', withTokenizer: false },
  { kind: 'llama', variant: 'int8', withTokenizer: false },
];

function jsonFiles(dir: string): { name: string; text: string }[] {
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: f, text: readFileSync(path.join(dir, f), 'utf8') }));
}

export async function makeSeeds(root: string): Promise<FuzzSeeds> {
  mkdirSync(root, { recursive: true });
  const models: ModelSeed[] = [];
  for (const f of MODEL_FIXTURES) {
    const g = generateFixture(f.kind, f.variant, { dir: path.join(root, 'fixtures'), withTokenizer: f.withTokenizer });
    models.push({
      name: `${f.kind}-${f.variant}`,
      dir: path.dirname(g.path),
      model: path.basename(g.path),
      ...(f.withTokenizer ? { tokenizer: 'tokenizer.json' as const } : {}),
      ...(g.config.externalDataFile ? { externalData: g.config.externalDataFile } : {}),
    });
  }
  const stories = await convertStories260K();
  const storiesDir = path.join(root, 'stories260K');
  if (!existsSync(path.join(storiesDir, 'model.onnx'))) {
    mkdirSync(storiesDir, { recursive: true });
    cpSync(stories.onnxPath, path.join(storiesDir, 'model.onnx'));
    cpSync(path.join(path.dirname(stories.onnxPath), 'tokenizer.bin'), path.join(storiesDir, 'tokenizer.bin'));
  }
  models.push({ name: 'stories260K', dir: storiesDir, model: 'model.onnx', tokenizer: 'tokenizer.bin' });

  const workloadCsv = path.join(root, 'stories260K.workload.csv');
  if (!existsSync(workloadCsv)) {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'cli.js'), 'profile', path.join(storiesDir, 'model.onnx'), '--text', 'Once upon a time', '--generate', '3', '--workload-csv', workloadCsv], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not trace the workload CSV seed: ${r.stderr}`);
  }
  return {
    models,
    policies: jsonFiles(path.join(REPO_ROOT, 'media', 'policies')),
    hardware: jsonFiles(path.join(REPO_ROOT, 'media', 'hardware')),
    workloadCsv: readFileSync(workloadCsv, 'utf8'),
  };
}
