// A model is called by the name its producer wrote, else by its folder when the file name is an
// exporter's generic one, else by its file stem.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { modelDisplayName, modelLabel } from '../../../src/engine/model/modelName';

test('generic exporter file names take the folder name', () => {
  assert.equal(modelDisplayName('model.onnx', '/work/models/decoder'), 'decoder');
  assert.equal(modelDisplayName('model_with_past.onnx', '/x/models/decoder/'), 'decoder');
  assert.equal(modelDisplayName('decoder_model.onnx', 'C:\\models\\distilgpt2'), 'distilgpt2');
});

test('a specific file name is kept (without .onnx); metadata model_name wins over both', () => {
  assert.equal(modelDisplayName('spam-encoder.onnx', '/ws'), 'spam-encoder');
  assert.equal(modelDisplayName('model.onnx', '/out/models/default', { metadataProps: [{ key: 'model_name', value: 'stories260K' }] }), 'stories260K');
  assert.equal(modelDisplayName('model.onnx', '/out/models/default', { metadataProps: [{ key: 'model_name', value: '  ' }] }), 'default');
});

test('a generic file at the root keeps its stem; older reports without a name show the file name', () => {
  assert.equal(modelDisplayName('model.onnx', '/'), 'model');
  assert.equal(modelLabel({ fileName: 'model.onnx' }), 'model.onnx');
  assert.equal(modelLabel({ fileName: 'model.onnx', name: 'decoder' }), 'decoder');
});
