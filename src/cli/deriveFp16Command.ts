// `spatten-profile derive-fp16 <model.onnx> <out-folder>`: the model's fp16 variant
// (src/engine/onnx/float16Variant.ts) written into a folder of its own, with the model folder's
// tokenizer and config files beside it so `profile` finds them. The build derives the trained
// models' fp16 files this way: only fp32 weights are committed.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { onnx } from 'onnx-proto';
import { loadOnnxModel } from '../engine/onnx/onnxModelLoader';
import { toFloat16 } from '../engine/onnx/float16Variant';
import { InputError } from '../engine/errors';
import { defaultIo, fmtBytes, type CommandIo } from './simulateCommand';

/** Files a model folder carries beside the graph (tokenizers, configs). */
const COMPANION_FILES = ['tokenizer.json', 'tokenizer_config.json', 'config.json', 'tokenizer.bin'];

export async function deriveFp16(modelPath: string, outDir: string): Promise<{ onnxPath: string; bytes: number; companions: string[] }> {
  const loaded = await loadOnnxModel(modelPath);
  if (loaded.proto.graph?.initializer?.some((t) => (t.externalData ?? []).length > 0)) {
    throw new InputError(modelPath, 'derive-fp16 needs a model with its weights inline');
  }
  const parent = path.dirname(path.resolve(outDir));
  if (!existsSync(parent)) throw new InputError(outDir, `cannot write: the folder ${parent} does not exist`);
  mkdirSync(outDir, { recursive: true });
  const bytes = onnx.ModelProto.encode(toFloat16(loaded.proto)).finish();
  const onnxPath = path.join(outDir, path.basename(modelPath));
  writeFileSync(onnxPath, bytes);
  const companions: string[] = [];
  for (const f of COMPANION_FILES) {
    const src = path.join(path.dirname(modelPath), f);
    if (existsSync(src)) {
      copyFileSync(src, path.join(outDir, f));
      companions.push(f);
    }
  }
  return { onnxPath, bytes: bytes.byteLength, companions };
}

export function registerDeriveFp16Command(program: Command, io: CommandIo = defaultIo): void {
  program
    .command('derive-fp16')
    .description("write a model's fp16 variant (weights, compute, float inputs/outputs in half precision) into a new folder")
    .argument('<model.onnx>', 'an fp32 ONNX model with inline weights')
    .argument('<out-folder>', 'a folder to create (its parent must exist); the model folder\'s tokenizer/config files are copied beside the variant')
    .action(async (modelPath: string, outDir: string) => {
      const r = await deriveFp16(modelPath, outDir);
      io.stdout.write(`wrote ${r.onnxPath} (${fmtBytes(r.bytes)})${r.companions.length ? `, with ${r.companions.join(', ')}` : ''}\n`);
    });
}
