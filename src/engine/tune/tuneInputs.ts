// The inputs `tune` splits into calibration and held-out, read the same way by the CLI and the
// extension: a batch file's lines (.txt) or JSON lines (.jsonl, with optional gold labels), or a
// running text (a language model's corpus) cut into passages at line ends.
import { InputError } from '../errors';
import { INPUT_FILE_KINDS, readTextFile } from '../files/boundedRead';
import { readInputFile, type InputBatch } from '../inputFiles';

/** Shortest passage a running text is cut into (characters; ~100-150 tokens of English). */
export const PASSAGE_CHARS = 512;

/** A text cut into passages at line ends, each at least `minChars` long (a short tail joins the last one). */
export function passagesOf(text: string, minChars = PASSAGE_CHARS): string[] {
  const out: string[] = [];
  let cur = '';
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    cur = cur ? `${cur}\n${line}` : line;
    if (cur.length >= minChars) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) {
    if (out.length > 0 && cur.length < minChars / 2) out[out.length - 1] += `\n${cur}`;
    else out.push(cur);
  }
  return out;
}

/**
 * 'lines': one input per line (.txt) or JSON line (.jsonl); 'passages': a running text cut into
 * passages of at least `passageChars` characters (longer passages: a longer context per input).
 */
export async function readTuneInputs(file: string, how: 'lines' | 'passages', passageChars = PASSAGE_CHARS): Promise<InputBatch> {
  if (how === 'lines' || /\.jsonl$/i.test(file)) return readInputFile(file, 'lines');
  if (!(Number.isInteger(passageChars) && passageChars >= 1)) throw new InputError('--passage-chars', `${passageChars} must be a whole number of characters, at least 1`);
  const texts = passagesOf(await readTextFile(file, INPUT_FILE_KINDS.inputs), passageChars);
  if (texts.length < 2) throw new InputError(file, `is too short to split into calibration and held-out passages (at least 2 passages of ${passageChars} characters)`);
  return { texts };
}

/**
 * `count` of the inputs, evenly spaced through the file (index floor(k x n / count)), labels kept
 * with their texts: a long corpus subsampled across all of it (every genre of a corpus that is
 * stored genre by genre), not just its opening.
 */
export function evenlySpaced(batch: InputBatch, count: number): InputBatch {
  const n = batch.texts.length;
  if (!(Number.isInteger(count) && count >= 2)) throw new InputError('--inputs', `${count} must be a whole number, at least 2`);
  if (count > n) throw new InputError('--inputs', `${count} inputs asked for, but the file gives only ${n}`);
  const picks = Array.from({ length: count }, (_, k) => Math.floor((k * n) / count));
  const labels = batch.labels;
  return { texts: picks.map((i) => batch.texts[i]), ...(labels ? { labels: picks.map((i) => labels[i]) } : {}) };
}
