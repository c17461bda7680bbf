import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { tokenDisplay } from '../../../src/webview/tokenText';

test('tokens as text: bytes decoded, whitespace visible, specials recognised', () => {
  assert.deepEqual(tokenDisplay('<0x0A>'), { kind: 'space', parts: [{ text: '↵', ws: true }], label: '↵' });
  assert.equal(tokenDisplay('<0x41>').label, 'A');
  assert.equal(tokenDisplay('<0xE2>').label, 'byte 0xE2');
  assert.equal(tokenDisplay('\n<s>\n').kind, 'special');
  assert.equal(tokenDisplay('\n<s>\n').label, '<s>');
  assert.equal(tokenDisplay('[CLS]').kind, 'special');
  assert.equal(tokenDisplay('<|endoftext|>').kind, 'special');
  assert.equal(tokenDisplay(' Once').label, '·Once');
  assert.equal(tokenDisplay('▁upon').label, '·upon');
  assert.equal(tokenDisplay('Ġthe').label, '·the');
  assert.deepEqual(tokenDisplay(' ').parts, [{ text: '·', ws: true }]);
  assert.equal(tokenDisplay(' ').kind, 'space');
  assert.equal(tokenDisplay('<b>').kind, 'text');
});
