// Workload CSV mutations in the authors' schema: a cell set to a boundary, huge, negative,
// fractional, empty or non-numeric value, rows duplicated or dropped, columns dropped or swapped,
// header damage, other line endings and quoting.
import type { FuzzRandom } from './fuzzRandom';

const CELLS = ['0', '-1', '1', '1023', '1024', '100000000', '1e9', '-5', '2.5', '', 'NaN', 'inf', 'True', 'False', 'x', '"7"', ' 3 ', '64.0', '0x10', '9007199254740993', '1e308'];

export function mutateCsv(text: string, rng: FuzzRandom): string {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const rows = lines.map((l) => l.split(','));
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const r = rows.length > 1 ? 1 + rng.int(rows.length - 1) : 0;
    switch (rng.int(7)) {
      case 0: case 1: case 2: { // a cell
        const row = rows[r];
        row[rng.int(row.length)] = rng.pick(CELLS);
        break;
      }
      case 3: rows.splice(r, 0, ...Array.from({ length: rng.pick([1, 2, 50]) }, () => [...rows[r]])); break;
      case 4: if (rows.length > 1) rows.splice(r, 1); break;
      case 5: { // a column dropped or two swapped
        const c = rng.int(rows[0].length);
        const d = rng.int(rows[0].length);
        for (const row of rows) {
          if (rng.chance(0.5)) row.splice(c, 1);
          else [row[c], row[d]] = [row[d], row[c]];
        }
        break;
      }
      case 6: rows[0][rng.int(rows[0].length)] = rng.pick(['', 'head_id', 'HEAD_ID', 'extra', '\uFEFFiteration_id']); break;
    }
  }
  const eol = rng.pick(['\n', '\n', '\r\n', '\r']);
  return rows.map((r) => r.join(',')).join(eol) + (rng.chance(0.8) ? eol : '');
}
