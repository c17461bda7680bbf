import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatNumber, formatValue, humanize } from '../../../src/engine/report/formatQuantity';

test('formatNumber: 3 significant digits, grouping, exponent only for extremes', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(3.14159), '3.14');
  assert.equal(formatNumber(0.012345), '0.0123');
  assert.equal(formatNumber(1234567), '1,234,567');
  assert.equal(formatNumber(1234.5678), '1,235');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(2e-7), '2.00e-7');
  assert.equal(formatNumber(Number.NaN), 'n/a');
  assert.equal(formatNumber(Infinity), '∞');
});

test('formatValue uses the unit', () => {
  assert.equal(formatValue(3.214, 'x'), '3.21×');
  assert.equal(formatValue(0.0712, 'fraction'), '7.12 %');
  assert.equal(formatValue(0.000123, 's'), '123 µs');
  assert.equal(formatValue(2.5e-3, 'J'), '2.5 mJ');
  assert.equal(formatValue(1.5, 's'), '1.5 s');
  assert.equal(formatValue(3.2e-10, 's'), '320 ps');
  assert.equal(formatValue(1536, 'bytes'), '1.54 kB');
  assert.equal(formatValue(2.5e6, 'B'), '2.5 MB');
  assert.equal(formatValue(512, 'bytes'), '512 B');
  assert.equal(formatValue(12345, 'cycles'), '12,345 cycles');
  assert.equal(formatValue(1e9, 'Hz'), '1 GHz');
  assert.equal(formatValue(0.21, 'ppl delta'), '0.21 ppl delta');
  assert.equal(formatValue(6.2647, 'perplexity'), '6.26 PPL');
  assert.equal(formatValue(0.0721, 'TFLOPS'), '72.1 GFLOP/s');
  assert.equal(formatValue(0.0001659, 's'), '166 µs');
});

test('humanize', () => {
  assert.equal(humanize('speedupVsDense'), 'Speedup vs dense');
  assert.equal(humanize('dram_bytes'), 'Dram bytes');
});
