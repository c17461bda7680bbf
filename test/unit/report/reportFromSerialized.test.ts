// The report seam: a ProfileReport is built only from data (the Trace, the SpAtten model's
// observations, the simulation results, the output comparisons and the run's settings), never by
// reading a core back. Proof: collect those from a real profile, send them through JSON (a process
// boundary would do the same), build the report from the copy with no core or session alive, and
// get the report built in-process, byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { collectReportInputs } from '../../../src/engine/profile';
import type { ProfileRequest } from '../../../src/engine/profileRequest';
import { buildReport, type ReportInputs } from '../../../src/engine/report/buildReport';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { generateFixture } from '../../fixtures/generateFixture';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';

const TEXT = readFileSync(path.join(REPO_ROOT, 'media/samples/default.txt'), 'utf8');

/** Plain data only: a class instance (a core, a session, a graph) anywhere in the inputs throws. */
function toJson(x: unknown): string {
  return JSON.stringify(x, (key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    if (value instanceof Float32Array) return { $float32: Array.from(value) };
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new Error(`report input '${key}' is a ${(value as object).constructor?.name}, not data`);
    }
    return value;
  });
}

function fromJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && '$number' in value) return Number((value as { $number: string }).$number);
    if (typeof value === 'object' && value !== null && '$float32' in value) return Float32Array.from((value as { $float32: number[] }).$float32);
    return value;
  });
}

async function assertRebuilt(request: ProfileRequest): Promise<ReportInputs> {
  const inputs = await collectReportInputs(request, () => undefined);
  const inProcess = buildReport(inputs);
  const { tokenizer, ...data } = inputs;
  const serialized = toJson(data);
  // The tokenizer is a file beside the model, not run state: the rebuild loads it again.
  const copy = { ...(fromJson(serialized) as Omit<ReportInputs, 'tokenizer'>), tokenizer: tokenizer ? loadTokenizerForModel(request.modelPath) : null };
  const rebuilt = buildReport(copy);
  rebuilt.generatedAt = inProcess.generatedAt;
  assert.equal(JSON.stringify(rebuilt), JSON.stringify(inProcess));
  return inputs;
}

test('stories260K generating 6 tokens: the report rebuilds from serialized Trace, observations and simulations', async () => {
  const { onnxPath } = await convertStories260K();
  const inputs = await assertRebuilt({ modelPath: onnxPath, texts: [TEXT.slice(0, 400)], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 6 });
  // The run exercised what the views show: pruning, decode steps, a decode-only simulation.
  assert.equal(inputs.mode, 'generation');
  assert.ok(inputs.decode, 'a decode-only simulation');
  assert.ok(inputs.observations.tokenPruneEvents.length > 0, 'tokens were pruned');
  // The prompt pass yields the first generated token; five decode steps yield the other five.
  assert.deepEqual(inputs.observations.contextByStep.map(([step]) => step), [-1, 0, 1, 2, 3, 4]);
  assert.ok(inputs.comparisons[0].denseLast instanceof Float32Array);
});

test('BERT classifier with gold labels: the report rebuilds from serialized inputs', async () => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  const inputs = await assertRebuilt({ modelPath: fx.path, texts: ['the quick brown fox jumps over the lazy dog', 'hello world'], labels: [0, 2], policy: 'paper-bert', hardware: 'spatten-1/8' });
  assert.equal(inputs.mode, 'encoder');
  assert.deepEqual(inputs.gold?.indices, [0, 2]);
  assert.equal(inputs.comparisons.length, 2);
});

test('a core or other class instance in the report inputs is refused by the serializer', () => {
  assert.throws(() => toJson({ observations: new Map() }), /report input 'observations' is a Map, not data/);
});
