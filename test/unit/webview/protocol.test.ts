import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isHostToWebviewMessage, isWebviewToHostMessage } from '../../../src/webview/protocol';
import { EXPORT_FORMAT_IDS } from '../../../src/engine/report/exportFormats';
import { makeSampleReport } from '../report/sampleReport';

test('host -> webview messages are checked at runtime', () => {
  assert.ok(isHostToWebviewMessage({ type: 'report', report: makeSampleReport({ layers: 2, tokens: 6 }) }));
  assert.ok(isHostToWebviewMessage({ type: 'focusToken', index: 3 }));
  assert.ok(isHostToWebviewMessage({ type: 'progress', stage: 'dense run' }));
  assert.ok(isHostToWebviewMessage({ type: 'progress', stage: 'engine', fraction: 0.5 }));
  assert.ok(isHostToWebviewMessage({ type: 'error', message: 'x' }));
  for (const bad of [null, 1, {}, { type: 'report' }, { type: 'focusToken', index: -1 }, { type: 'focusToken', index: 1.5 }, { type: 'progress', stage: 's', fraction: 2 }, { type: 'error' }, { type: 'ready' }]) {
    assert.equal(isHostToWebviewMessage(bad), false, JSON.stringify(bad));
  }
});

test('webview -> host messages are checked at runtime', () => {
  assert.ok(isWebviewToHostMessage({ type: 'ready' }));
  assert.ok(isWebviewToHostMessage({ type: 'profileAgain' }));
  assert.ok(isWebviewToHostMessage({ type: 'revealToken', index: 0 }));
  for (const f of EXPORT_FORMAT_IDS) assert.ok(isWebviewToHostMessage({ type: 'export', format: f }));
  for (const bad of [undefined, { type: 'export', format: 'pdf' }, { type: 'export', format: 'toString' }, { type: 'revealToken', index: '1' }, { type: 'report' }]) {
    assert.equal(isWebviewToHostMessage(bad), false, JSON.stringify(bad));
  }
});
