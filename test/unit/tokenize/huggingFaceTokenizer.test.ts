// Hugging Face tokenizer.json (WordPiece, byte-level BPE) with offsets, and finding a model's tokenizer.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { HuggingFaceTokenizer } from '../../../src/engine/tokenize/huggingFaceTokenizer';
import { loadTokenizerFile, loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { byteLevelBpeTokenizerJson, wordPieceTokenizerJson, writeTokenizerFiles } from '../../fixtures/tokenizerFixtures';

const wp = wordPieceTokenizerJson();
const bpe = byteLevelBpeTokenizerJson();
const wordPiece = new HuggingFaceTokenizer(wp.tokenizer, wp.config, 'wordpiece');
const byteBpe = new HuggingFaceTokenizer(bpe.tokenizer, bpe.config, 'bpe');

const spans = (text: string, t: HuggingFaceTokenizer): string[] =>
  t.encode(text).offsets.map(([s, e]) => (s < 0 ? '<special>' : text.slice(s, e)));

describe('WordPiece tokenizer.json', () => {
  it('adds [CLS] ... [SEP], lowercases, splits ##pieces, with offsets into the original text', () => {
    const text = 'Once upon a time, Lily was playing!';
    const e = wordPiece.encode(text);
    assert.deepEqual(
      e.ids.map((id) => wordPiece.tokenText(id)),
      ['[CLS]', 'once', 'upon', 'a', 'time', ',', 'lily', 'was', 'play', '##ing', '!', '[SEP]'],
    );
    assert.deepEqual(spans(text, wordPiece), ['<special>', 'Once', 'upon', 'a', 'time', ',', 'Lily', 'was', 'play', 'ing', '!', '<special>']);
    assert.equal(wordPiece.bosId, e.ids[0]);
    assert.equal(wordPiece.eosId, e.ids[e.ids.length - 1]);
    assert.equal(wordPiece.decode(e.ids), 'once upon a time, lily was playing!');
  });

  it('accents, CJK, an unknown emoji and repeated spaces', () => {
    const text = 'Éclair  unbelievable 世界 😀 x';
    assert.deepEqual(spans(text, wordPiece), [
      '<special>', 'É', 'c', 'l', 'a', 'i', 'r', 'un', 'believ', 'able', '世', '界', '😀', 'x', '<special>',
    ]);
    const e = wordPiece.encode(text);
    assert.equal(wordPiece.tokenText(e.ids[12]), '[UNK]');
  });

  it('empty text', () => {
    const e = wordPiece.encode('');
    assert.deepEqual(e.offsets, [[-1, -1], [-1, -1]]);
    assert.equal(wordPiece.decode(e.ids), '');
    assert.equal(wordPiece.decode([]), '');
  });

  it('fits the BERT fixtures (vocabulary < 96)', () => {
    assert.ok(wordPiece.vocabSize <= 96);
  });
});

describe('byte-level BPE tokenizer.json', () => {
  it('round-trips text exactly and spans tile the text', () => {
    for (const text of ['Once upon a time, Lily was playing!', 'a\n\nb  c', 'Éclair 世界 😀 x', ' leading space']) {
      const e = byteBpe.encode(text);
      assert.equal(byteBpe.decode(e.ids), text);
      // Byte pieces of one character share its span; distinct spans tile the text in order.
      const distinct = e.offsets.filter((o, i) => i === 0 || o[0] !== e.offsets[i - 1][0] || o[1] !== e.offsets[i - 1][1]);
      assert.equal(distinct.map(([s, end]) => text.slice(s, end)).join(''), text);
    }
  });

  it('merged pieces read as text, partial characters as bytes', () => {
    const e = byteBpe.encode(' Lily 😀');
    const texts = e.ids.map((id) => byteBpe.tokenText(id));
    assert.ok(texts.includes(' Lily'), texts.join('|'));
    assert.ok(texts.includes('<0xF0>'), texts.join('|'));
  });

  it('the end-of-text token is special: no span, dropped by decode', () => {
    const eos = byteBpe.eosId!;
    assert.equal(byteBpe.tokenText(eos), '<|endoftext|>');
    assert.equal(byteBpe.decode([...byteBpe.encode('hi').ids, eos]), 'hi');
  });

  it('very long text', () => {
    const text = 'Once upon a time, there was a little girl named Lily. '.repeat(400);
    const e = byteBpe.encode(text);
    assert.equal(byteBpe.decode(e.ids), text);
    assert.deepEqual(e.offsets[e.offsets.length - 1], [text.length - 1, text.length]);
  });

  it('refuses a JSON that is not a tokenizer', () => {
    assert.throws(() => new HuggingFaceTokenizer({ foo: 1 }, {}, 'x.json'), /no "model" object/);
    assert.throws(() => new HuggingFaceTokenizer({ model: { type: 'Nope' } }, {}, 'x.json'), InputError);
  });
});

describe('loadTokenizerForModel', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spatten-tok-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const tok512 = path.resolve(__dirname, '../../../../shared/models/stories260K/tok512.bin');

  it('finds tokenizer.json (+ tokenizer_config.json) beside the model', () => {
    const dir = path.join(tmp, 'bert');
    writeTokenizerFiles(dir, wp);
    const t = loadTokenizerForModel(path.join(dir, 'model.onnx'), { vocabSize: 96 });
    assert.equal(t.kind, 'huggingface');
    assert.equal(t.bosId, 2);
  });

  it('finds a llama2.c tokenizer.bin or a single tok<N>.bin', () => {
    const a = path.join(tmp, 'l1');
    fs.mkdirSync(a);
    fs.copyFileSync(tok512, path.join(a, 'tokenizer.bin'));
    assert.deepEqual(loadTokenizerForModel(path.join(a, 'model.onnx')).encode('Once upon a time').ids, [1, 403, 407, 261, 378]);
    const b = path.join(tmp, 'l2');
    fs.mkdirSync(b);
    fs.symlinkSync(tok512, path.join(b, 'tok512.bin'));
    const t = loadTokenizerForModel(path.join(b, 'stories.onnx'), { vocabSize: 512 });
    assert.equal(t.kind, 'llama2c');
    assert.equal(t.vocabSize, 512);
  });

  it('InputErrors: nothing beside the model, bad JSON, tokenizer larger than the model vocabulary', () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    assert.throws(() => loadTokenizerForModel(path.join(empty, 'm.onnx')), /no tokenizer found beside the model/);
    const badJson = path.join(tmp, 'badjson');
    fs.mkdirSync(badJson);
    fs.writeFileSync(path.join(badJson, 'tokenizer.json'), '{"model": ');
    assert.throws(() => loadTokenizerForModel(path.join(badJson, 'm.onnx')), /not valid JSON/);
    const big = path.join(tmp, 'big');
    writeTokenizerFiles(big, bpe);
    assert.throws(() => loadTokenizerForModel(path.join(big, 'm.onnx'), { vocabSize: 96 }), /290 tokens but the model's vocabulary has 96/);
    assert.throws(() => loadTokenizerFile(path.join(tmp, 'missing.json')), /not found/);
  });
});
