// Entry of out/engineModules.js: the engine code the extension host itself runs, outside a
// profile (the model summary editor, exports). Bundled apart from out/extension.js so activation
// parses only the glue; loaded by loadEngineModules() on first use.
export { describeModel } from '../engine/modelDescription';
export { writeExport } from '../engine/report/writeExport';
export { runTune } from '../engine/tune/runTune';
export { parseBudget } from '../engine/tune/tuneLoss';
export { readTuneInputs } from '../engine/tune/tuneInputs';
export { formatBestPoint } from '../engine/tune/lossFormat';
