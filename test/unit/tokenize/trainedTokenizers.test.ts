// The committed models' tokenizers (models/decoder, models/encoder): SentencePiece BPE models
// converted to tokenizer.json by scripts/models/common.py. The engine's tokenizer must give the ids
// sentencepiece gives; the reference ids (test/unit/tokenize/data/*TokenizerIds.json) were written
// by sentencepiece itself when the models were made (scripts/models/train_*.py).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Reference {
  generator: string;
  cases: { text: string; ids: number[] }[];
}

function reference(name: string): Reference {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'data', name), 'utf8')) as Reference;
}

const MODELS = [
  { model: 'models/decoder/model.onnx', ref: 'decoderTokenizerIds.json', wrapped: false },
  { model: 'models/encoder/model.onnx', ref: 'encoderTokenizerIds.json', wrapped: true },
];

for (const m of MODELS) {
  describe(`${m.model} tokenizer`, () => {
    const tok = loadTokenizerForModel(path.join(ROOT, m.model));
    const ref = reference(m.ref);

    it(`gives sentencepiece's ids on ${ref.cases.length} strings`, () => {
      assert.ok(ref.cases.length >= 300);
      const mismatches: string[] = [];
      for (const c of ref.cases) {
        const ids = tok.encode(c.text).ids;
        if (JSON.stringify(ids) !== JSON.stringify(c.ids)) {
          mismatches.push(`${JSON.stringify(c.text.slice(0, 60))}: got ${JSON.stringify(ids.slice(0, 12))}, sentencepiece ${JSON.stringify(c.ids.slice(0, 12))}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });

    it('offsets are spans of the original text, special tokens have none', () => {
      for (const c of ref.cases.slice(0, 50)) {
        const e = tok.encode(c.text);
        assert.equal(e.offsets.length, e.ids.length);
        e.offsets.forEach(([s, end], i) => {
          if (m.wrapped && (i === 0 || i === e.ids.length - 1)) assert.deepEqual([s, end], [-1, -1]);
          else assert.ok(s >= 0 && end >= s && end <= c.text.length, `${c.text.slice(0, 40)}: token ${i} span [${s}, ${end})`);
        });
      }
    });

    it('decodes plain text back to itself', () => {
      const text = 'The committee said the report was received on Friday, and it was worth 123 dollars.';
      assert.equal(tok.decode(tok.encode(text).ids), text);
    });
  });
}
