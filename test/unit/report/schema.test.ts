// The JSON Schema in media/schema must accept every report the sample builder makes (encoder,
// generation, with and without the optional sections) and reject malformed ones.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv from 'ajv';
import { makeSampleReport } from './sampleReport';

const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../../media/schema/profile-report.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

function check(report: unknown): string {
  // Round-trip through JSON: the schema describes the serialized report.
  const ok = validate(JSON.parse(JSON.stringify(report)));
  return ok ? '' : ajv.errorsText(validate.errors);
}

test('sample reports validate against the schema', () => {
  assert.equal(check(makeSampleReport()), '');
  assert.equal(check(makeSampleReport({ mode: 'generation', layers: 4, heads: 2, tokens: 12 })), '');
  assert.equal(check(makeSampleReport({ timeline: false, sweep: false })), '');
});

test('schema rejects malformed reports', () => {
  const r = makeSampleReport() as unknown as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mutating arbitrary paths of a JSON copy
  const bad = (mut: (x: any) => void) => {
    const x = JSON.parse(JSON.stringify(r));
    mut(x);
    return check(x);
  };
  assert.match(bad((x) => (x.version = 1)), /version/);
  assert.match(bad((x) => (x.summary.speedup.source = 'guessed')), /source/);
  assert.match(bad((x) => delete x.summary.tokensKept.unit), /unit/);
  assert.match(bad((x) => (x.model.fileName = '/home/user/model.onnx')), /fileName/);
  assert.match(bad((x) => (x.layers[0].bound = 'io')), /bound/);
  assert.match(bad((x) => (x.refetch.rows[0][0] = -1)), /rows/);
  assert.match(bad((x) => (x.unexpected = true)), /additional/);
  assert.match(bad((x) => (x.timeline.clockHz = 0)), /clockHz/);
});
