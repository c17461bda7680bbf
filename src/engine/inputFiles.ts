// Input files for a profile, read the same way by the CLI and the extension:
//   .txt   the whole file is one input ('whole'), or one input per non-empty line ('lines')
//   .jsonl one input per line: a JSON string, or an object with a "text" string and an optional
//          "label" (a class index, or a class name from the model's config.json id2label)
// Every problem is an InputError naming the file and line.
import { InputError } from './errors';
import { INPUT_FILE_KINDS, readTextFile } from './files/boundedRead';

/** Most inputs taken from one file. */
export const MAX_INPUTS = 10_000;

export interface InputBatch {
  texts: string[];
  /** Gold labels per input, when a .jsonl gave them for every line. */
  labels?: (number | string)[];
}

export async function readInputFile(file: string, txtMode: 'whole' | 'lines' = 'whole'): Promise<InputBatch> {
  const content = await readTextFile(file, INPUT_FILE_KINDS.inputs);
  if (content.includes('\u0000')) throw new InputError(file, 'is a binary file (NUL bytes), not text');
  if (content.trim().length === 0) throw new InputError(file, 'the inputs file is empty');
  const jsonl = /\.jsonl$/i.test(file);
  if (!jsonl && txtMode === 'whole') return { texts: [content] };

  const texts: string[] = [];
  const labels: (number | string | undefined)[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim().length === 0) return;
    if (!jsonl) return void texts.push(line);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${file}:${i + 1}`, `not valid JSON (${(e as Error).message})`);
    }
    const obj = typeof value === 'object' && value !== null ? (value as { text?: unknown; label?: unknown }) : null;
    const text = typeof value === 'string' ? value : obj?.text;
    if (typeof text !== 'string' || text.length === 0) throw new InputError(`${file}:${i + 1}`, 'each line must be a JSON string or an object with a non-empty "text" string');
    const label = obj?.label;
    if (label !== undefined && !(typeof label === 'string' || (typeof label === 'number' && Number.isInteger(label) && label >= 0))) {
      throw new InputError(`${file}:${i + 1}`, '"label" must be a class index (integer >= 0) or a class name');
    }
    texts.push(text);
    labels.push(label as number | string | undefined);
  });
  if (texts.length > MAX_INPUTS) throw new InputError(file, `${texts.length} inputs, over the ${MAX_INPUTS}-input limit`);
  const labelled = labels.filter((l) => l !== undefined).length;
  if (labelled > 0 && labelled < texts.length) throw new InputError(file, `${labelled} of ${texts.length} lines have a "label": give one on every line or none`);
  return labelled > 0 ? { texts, labels: labels as (number | string)[] } : { texts };
}
