// Structure-aware JSON mutations (policy and hardware files, tokenizer.json): walk to a random
// value and replace, delete, retype or duplicate it; occasionally add prototype keys, deep
// nesting or non-JSON number spellings to the text.
import type { FuzzRandom } from './fuzzRandom';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function weirdValue(rng: FuzzRandom, like: Json): Json {
  switch (rng.int(9)) {
    case 0: return null;
    case 1: return rng.interestingNumber();
    case 2: return String(like);
    case 3: return rng.pick(['', 'off', 'spatten-1x', 'paper-bert', '\u0000', 'é', '\u{1F600}', 'x'.repeat(10_000), '../../etc/passwd', 'NaN', '__proto__']);
    case 4: return [];
    case 5: return {};
    case 6: return Array.from({ length: rng.pick([1, 2, 5, 100, 5000]) }, () => rng.pick([0, 0.5, 1, -1, 2]));
    case 7: return !like;
    default: return typeof like === 'number' ? like * rng.pick([-1, 0, 1e6, 1e-6, 1.0000001]) : rng.interestingNumber();
  }
}

/** Every container and key on the way to a value, so one can be picked at random. */
function slots(value: Json, out: { parent: Json[] | Record<string, Json>; key: string | number }[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => { out.push({ parent: value, key: i }); slots(v, out); });
  else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) { out.push({ parent: value, key: k }); slots(value[k], out); }
}

export function mutateJsonValue(value: Json, rng: FuzzRandom): Json {
  const root = structuredClone(value);
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    const all: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
    slots(root, all);
    if (all.length === 0) return weirdValue(rng, root);
    const { parent, key } = rng.pick(all);
    const get = () => (parent as Record<string | number, Json>)[key];
    const set = (v: Json) => ((parent as Record<string | number, Json>)[key] = v);
    switch (rng.int(4)) {
      case 0: set(weirdValue(rng, get())); break;
      case 1: if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key as string]; break;
      case 2: if (!Array.isArray(parent)) parent[rng.pick(['extends', 'name', 'unknownKey', 'keep', 'schedule', 'enabled', 'clockHz', 'hbmChannels', 'vocab', 'model', 'type'])] = weirdValue(rng, get()); break;
      case 3: set([get(), get()]); break;
    }
  }
  return root;
}

/** The mutated value as text, sometimes with textual tricks JSON.stringify would never write. */
export function mutateJsonText(text: string, rng: FuzzRandom): string {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    return text;
  }
  const out = JSON.stringify(mutateJsonValue(value, rng), null, rng.chance(0.5) ? 2 : undefined) ?? 'null';
  switch (rng.int(8)) {
    case 0: return '\uFEFF' + out;
    case 1: return out.replace(/\{/, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}, ');
    case 2: return '['.repeat(5000) + ']'.repeat(5000);
    case 3: return out.replace(/\d+(\.\d+)?/, rng.pick(['NaN', 'Infinity', '-Infinity', '1e999', '0x10', '01']));
    default: return out;
  }
}
