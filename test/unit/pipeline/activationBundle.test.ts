// The activation bundle (out/extension.js) holds only the extension's glue: what VS Code parses
// and evaluates when the extension activates. The engine (ONNX loading, the SpAtten core, the cycle
// model, reports) and onnxruntime-node load later, in the profile worker or through
// out/engineModules.js. An `import()` of an engine module from the extension would silently pull
// it all back in (esbuild inlines dynamic imports into a cjs bundle), so this test bundles the
// entry as scripts/build.mjs does and checks which modules went in. Activation time itself is
// measured by scripts/bench-activation.ts, not asserted here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../../..');

// Small engine leaves the glue shares with the CLI: error types, bounded file reads, the settings'
// JSON merge, the input-file reader; and the leaves the pickers, hover and panel title read (the
// export-format registry and its key helper, the model's display name, number formatting, the
// sweep's keep-list parser), each a few kB with type-only imports. Anything else under src/engine/
// is engine proper.
const ALLOWED_ENGINE_MODULES = new Set([
  'src/engine/errors.ts',
  'src/engine/files/specialPaths.ts',
  'src/engine/files/boundedRead.ts',
  'src/engine/files/jsonFile.ts',
  'src/engine/configMerge.ts',
  'src/engine/inputFiles.ts',
  'src/engine/registryKeys.ts',
  'src/engine/report/exportFormats.ts',
  'src/engine/model/modelName.ts',
  'src/engine/report/formatQuantity.ts',
  'src/engine/sweepKeeps.ts',
]);

test('the activation bundle holds the glue only: no engine module, no onnxruntime-node, no protobuf', async () => {
  const r = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { extension: 'src/extension/extension.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'onnxruntime-node'],
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.includes('src/extension/extension.ts'), `the bundle's inputs are listed (${inputs.length})`);
  const engine = inputs.filter((f) => f.startsWith('src/engine/') && !ALLOWED_ENGINE_MODULES.has(f));
  assert.deepEqual(engine, [], 'engine modules in the activation bundle');
  assert.deepEqual(inputs.filter((f) => f.startsWith('src/worker/') && !/\/(serializedError|workerProtocol)\.ts$/.test(f)), [], 'worker code in the activation bundle');
  assert.deepEqual(inputs.filter((f) => f.includes('node_modules/')), [], 'npm packages in the activation bundle');
  const imports = Object.values(r.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  assert.ok(!imports.includes('onnxruntime-node'), 'the activation bundle requires onnxruntime-node');
  const code = r.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  assert.match(code, /engineModules\.js/, 'the engine modules load from out/engineModules.js at run time');
});
