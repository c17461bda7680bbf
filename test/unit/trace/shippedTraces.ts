// The SpAtten authors' workload CSVs shipped in ../shared (read there, never copied): the
// equivalence tests run every one of them.
import path from 'node:path';

export const SHIPPED_TRACES_DIR = path.resolve(__dirname, '../../../../shared/spatten-traces');
export const SHIPPED_TRACES = ['smoke-one-row.csv', 'gpt2-small-wikitext2-spatten.csv', 'gpt2-small-wikitext2-dense.csv', 'gpt2-medium-wikitext2-spatten.csv', 'gpt2-medium-ptb-dense.csv'];
