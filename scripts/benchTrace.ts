// The bench's million-row workload: the GPT-2-medium SpAtten trace (token, head and local V
// pruning, 12-bit K, 11,328 rows over 32 generated tokens) replicated over more iterations, each
// copy's iteration_id renumbered so the (step, layer) groups stay distinct and ordered. 89 copies
// give 2,848 iterations and 1,008,192 rows: well inside WORKLOAD_CSV_LIMITS (iteration_id up to
// 1,000,000, 5M rows, 256 MiB), about 70 MB of CSV. Written once to .test-cache/ and reused.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const SOURCE = path.resolve(__dirname, '../../shared/spatten-traces/gpt2-medium-wikitext2-spatten.csv');
const ITERATIONS_PER_COPY = 32;
const COPIES = 89;
export const BENCH_TRACE = path.resolve(__dirname, '../.test-cache/bench-gpt2-medium-1M.csv');

/** Path of the million-row trace, written first if missing. Returns its row count too. */
export function ensureBenchTrace(): { file: string; rows: number } {
  const lines = readFileSync(SOURCE, 'utf8').split('\n');
  const header = lines[0];
  // Workload rows only: the authors' trailing config line has empty fields, the last line is ''.
  const rows = lines.slice(1).filter((l) => /^\d/.test(l));
  const total = rows.length * COPIES;
  if (existsSync(BENCH_TRACE)) return { file: BENCH_TRACE, rows: total };
  const comma = rows.map((l) => l.indexOf(','));
  const iteration = rows.map((l, i) => Number(l.slice(0, comma[i])));
  const rest = rows.map((l, i) => l.slice(comma[i]));
  const out: string[] = [header];
  for (let c = 0; c < COPIES; c++) {
    for (let i = 0; i < rows.length; i++) out.push(`${c * ITERATIONS_PER_COPY + iteration[i]}${rest[i]}`);
  }
  mkdirSync(path.dirname(BENCH_TRACE), { recursive: true });
  // Written under a temporary name first, so an interrupted run never leaves half a trace behind.
  writeFileSync(`${BENCH_TRACE}.tmp`, out.join('\n') + '\n');
  renameSync(`${BENCH_TRACE}.tmp`, BENCH_TRACE);
  return { file: BENCH_TRACE, rows: total };
}

if (require.main === module) console.log(ensureBenchTrace());
