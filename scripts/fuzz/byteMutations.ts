// Byte-level mutations (format-blind): bit flips, overwritten runs of interesting bytes,
// truncation, duplication and insertion of chunks. Applied to models, tokenizers, JSON and CSVs.
import type { FuzzRandom } from './fuzzRandom';

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x22, 0x2c, 0x5c, 0xc0, 0xef, 0xfe];

export function mutateBytes(input: Uint8Array, rng: FuzzRandom): Uint8Array {
  let out: Uint8Array = Uint8Array.from(input);
  const edits = 1 + rng.int(rng.chance(0.8) ? 4 : 64);
  for (let e = 0; e < edits; e++) {
    const at = out.length === 0 ? 0 : rng.int(out.length);
    switch (rng.int(6)) {
      case 0: // flip one bit
        if (out.length > 0) out[at] ^= 1 << rng.int(8);
        break;
      case 1: // overwrite a short run with one interesting byte
        out.fill(rng.pick(INTERESTING_BYTES), at, Math.min(out.length, at + 1 + rng.int(8)));
        break;
      case 2: // truncate
        out = out.slice(0, at);
        break;
      case 3: { // duplicate a chunk in place
        const len = Math.min(out.length - at, 1 + rng.int(256));
        out = concat(out.slice(0, at + len), out.slice(at, at + len), out.slice(at + len));
        break;
      }
      case 4: { // insert random bytes
        const chunk = Uint8Array.from({ length: 1 + rng.int(32) }, () => rng.int(256));
        out = concat(out.slice(0, at), chunk, out.slice(at));
        break;
      }
      case 5: // a little-endian 32-bit interesting number (lengths, dims, counts in binary formats)
        if (out.length >= at + 4) new DataView(out.buffer, out.byteOffset).setInt32(at, rng.interestingNumber() | 0, true);
        break;
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
