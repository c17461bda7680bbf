// Class names of a classifier, from the Hugging Face config.json beside the model ("id2label"),
// and gold labels (names or indices) resolved against them.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { INPUT_FILE_KINDS } from '../files/boundedRead';
import { readJsonFile } from '../files/jsonFile';

/** id2label as an array (index = class id), or null when there is no usable config.json. */
export function loadClassLabels(modelPath: string): string[] | null {
  const file = path.join(path.dirname(path.resolve(modelPath)), 'config.json');
  if (!existsSync(file)) return null;
  const config = readJsonFile(file, INPUT_FILE_KINDS.modelConfig);
  const id2label = (config as { id2label?: unknown } | null)?.id2label;
  if (typeof id2label !== 'object' || id2label === null) return null;
  const out: string[] = [];
  for (const [k, v] of Object.entries(id2label)) {
    const i = Number(k);
    if (Number.isInteger(i) && i >= 0 && i < 100_000 && typeof v === 'string') out[i] = v;
  }
  return out.length > 0 ? Array.from(out, (v, i) => v ?? `class ${i}`) : null;
}

/** Gold labels as class indices; names are looked up in `names` (id2label). */
export function resolveGoldLabels(labels: (number | string)[], names: string[] | null, classes: number, where: string): number[] {
  return labels.map((l, i) => {
    const index = typeof l === 'number' ? l : (names?.indexOf(l) ?? -1);
    if (typeof l === 'string' && index < 0) {
      throw new InputError(`${where}: input ${i + 1}`, names ? `label "${l}" is not one of the model's classes (${names.join(', ')})` : `label "${l}" is a name but the model has no config.json id2label: use class indices`);
    }
    if (index >= classes) throw new InputError(`${where}: input ${i + 1}`, `label ${index} is outside the model's ${classes} classes`);
    return index;
  });
}
