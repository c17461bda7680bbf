// Bad input never takes the extension down: a random-bytes .onnx, a missing file and a broken
// inputs file each end as a failed run with the reason, and the next profile succeeds.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundledModelPath, profile, profileDone, scratchDir } from './helpers';

suite('bad input', () => {
  const files: string[] = [];
  suiteTeardown(() => { for (const f of files) rmSync(f, { force: true }); });

  test('a random-bytes .onnx fails with a reason naming the file, then a good profile succeeds', async () => {
    const model = path.join(scratchDir(), 'random-bytes.onnx');
    writeFileSync(model, randomBytes(4096));
    files.push(model);
    const outcome = await profile({ modelPath: model, text: 'Once upon a time.' });
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.status === 'failed' && outcome.message.includes('random-bytes.onnx'), `reason names the file: ${JSON.stringify(outcome)}`);
    const again = await profileDone({ modelPath: bundledModelPath(), text: 'Once upon a time.' });
    assert.ok(again.result.report.input.tokens.length > 0);
  });

  test('a missing model and a malformed .jsonl inputs file fail with their reasons', async () => {
    const missing = await profile({ modelPath: path.join(scratchDir(), 'does-not-exist.onnx'), text: 'hi' });
    assert.equal(missing.status, 'failed');
    const jsonl = path.join(scratchDir(), 'inputs.jsonl');
    writeFileSync(jsonl, '{"text": "fine"}\n{not json\n');
    files.push(jsonl);
    const broken = await profile({ modelPath: bundledModelPath(), inputFile: jsonl });
    assert.equal(broken.status, 'failed');
    assert.ok(broken.status === 'failed' && broken.message.includes('inputs.jsonl:2'), `reason names the line: ${JSON.stringify(broken)}`);
    await profileDone({ modelPath: bundledModelPath(), inputFile: jsonl.replace('inputs.jsonl', '../story.txt') });
  });
});
