// One fuzz case: what to mutate and how to run the CLI on it. A case's files go into its own
// folder (copies of a seed model folder with one file mutated, or a mutated JSON/CSV/text file),
// and its command line refers to them by absolute path.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { mutateBytes } from './byteMutations';
import { mutateCsv } from './csvMutations';
import type { FuzzSeeds, ModelSeed } from './fuzzSeeds';
import type { FuzzRandom } from './fuzzRandom';
import { mutateJsonText } from './jsonMutations';
import { MODEL_ASPECTS, mutateModel } from './modelMutations';
import { mutateTokenizerBin, oddText } from './textMutations';

export const CASE_KINDS = ['model-bytes', 'model-structure', 'tokenizer', 'text', 'policy', 'hardware', 'workload-csv'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

export interface FuzzCase {
  kind: CaseKind;
  /** What was mutated, for the log and the reproducer. */
  label: string;
  /** CLI arguments (after out/cli.js). */
  args: string[];
}

/** Short profiles: the fuzzer is after crashes and hangs, not figures. */
const PROFILE_FLAGS = ['--max-tokens', '16', '--json', '-'];

function copyModel(seed: ModelSeed, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of [seed.model, seed.tokenizer, seed.externalData, 'tokenizer_config.json', 'config.json']) {
    if (!f) continue;
    try {
      copyFileSync(path.join(seed.dir, f), path.join(dir, f));
    } catch {
      // tokenizer_config.json / config.json are optional.
    }
  }
  return path.join(dir, seed.model);
}

function profileArgs(model: string, rng: FuzzRandom, extra: string[] = []): string[] {
  const generate = rng.chance(0.3) ? ['--generate', String(rng.pick([1, 2, 3]))] : [];
  return ['profile', model, '--text', rng.pick(['Once upon a time', 'the little girl was playing', 'unbelievable xqzvjk 世界']), ...generate, ...PROFILE_FLAGS, ...extra];
}

export function makeCase(kind: CaseKind, seeds: FuzzSeeds, dir: string, rng: FuzzRandom): FuzzCase {
  mkdirSync(dir, { recursive: true });
  switch (kind) {
    case 'model-bytes': {
      const seed = rng.pick(seeds.models);
      const model = copyModel(seed, dir);
      writeFileSync(model, mutateBytes(readFileSync(model), rng));
      return { kind, label: `${seed.name}: bytes`, args: profileArgs(model, rng) };
    }
    case 'model-structure': {
      const seed = rng.pick(seeds.models);
      const aspect = seed.externalData && rng.chance(0.5) ? 'external' : rng.pick(MODEL_ASPECTS);
      const model = copyModel(seed, dir);
      writeFileSync(model, mutateModel(readFileSync(model), aspect, rng));
      return { kind, label: `${seed.name}: ${aspect}`, args: profileArgs(model, rng) };
    }
    case 'tokenizer': {
      const seed = rng.pick(seeds.models.filter((m) => m.tokenizer));
      const model = copyModel(seed, dir);
      const file = path.join(dir, seed.tokenizer!);
      const bytes = readFileSync(file);
      if (seed.tokenizer === 'tokenizer.bin') writeFileSync(file, rng.chance(0.7) ? mutateTokenizerBin(bytes, rng) : mutateBytes(bytes, rng));
      else writeFileSync(file, rng.chance(0.7) ? mutateJsonText(bytes.toString('utf8'), rng) : mutateBytes(bytes, rng));
      return { kind, label: `${seed.name}: ${seed.tokenizer}`, args: profileArgs(model, rng) };
    }
    case 'text': {
      const seed = rng.pick(seeds.models.filter((m) => m.tokenizer));
      const model = path.join(seed.dir, seed.model);
      const textFile = path.join(dir, 'input.txt');
      writeFileSync(textFile, oddText(rng));
      const generate = rng.chance(0.3) ? ['--generate', '2'] : [];
      return { kind, label: `${seed.name}: odd text`, args: ['profile', model, '--text-file', textFile, ...generate, ...PROFILE_FLAGS] };
    }
    case 'policy': {
      const seed = rng.pick(seeds.policies);
      const file = path.join(dir, 'policy.json');
      writeFileSync(file, rng.chance(0.85) ? mutateJsonText(seed.text, rng) : mutateBytes(Buffer.from(seed.text), rng));
      const model = rng.pick(seeds.models.filter((m) => m.tokenizer));
      return { kind, label: `policy ${seed.name}`, args: profileArgs(path.join(model.dir, model.model), rng, ['--policy', file]) };
    }
    case 'hardware': {
      const seed = rng.pick(seeds.hardware);
      const file = path.join(dir, 'hardware.json');
      writeFileSync(file, rng.chance(0.85) ? mutateJsonText(seed.text, rng) : mutateBytes(Buffer.from(seed.text), rng));
      const csv = path.join(dir, 'trace.csv');
      writeFileSync(csv, seeds.workloadCsv);
      return { kind, label: `hardware ${seed.name}`, args: ['simulate', csv, '--hardware', file, '--json', '-'] };
    }
    case 'workload-csv': {
      const csv = path.join(dir, 'trace.csv');
      writeFileSync(csv, rng.chance(0.85) ? mutateCsv(seeds.workloadCsv, rng) : mutateBytes(Buffer.from(seeds.workloadCsv), rng));
      const command = rng.chance(0.8) ? ['simulate', csv, '--json', '-', ...(rng.chance(0.3) ? ['--queries', 'sentence'] : []), ...(rng.chance(0.3) ? ['--timing', 'additive'] : [])] : ['ablate', csv];
      return { kind, label: 'workload csv', args: command };
    }
  }
}
