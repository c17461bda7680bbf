// `spatten-profile convert-llama2c <model.bin> <tokenizer.bin> <out.onnx>`: a llama2.c checkpoint
// as a standard Llama-style ONNX graph (RMSNorm, RoPE, grouped-query attention, SwiGLU), with its
// tokenizer written beside it as tokenizer.bin so `profile` finds it.
import type { Command } from 'commander';
import { convertLlama2c } from '../engine/model/llama2cConverter';
import { defaultIo, fmtBytes, type CommandIo } from './simulateCommand';

export function registerConvertCommand(program: Command, io: CommandIo = defaultIo): void {
  program
    .command('convert-llama2c')
    .description('convert a llama2.c checkpoint (legacy format) and its tokenizer to a Llama-style ONNX model')
    .argument('<model.bin>', 'llama2.c checkpoint (7 x int32 header, then float32 weights)')
    .argument('<tokenizer.bin>', 'llama2.c tokenizer')
    .argument('<out.onnx>', 'where to write the ONNX model (tokenizer.bin is written in the same folder)')
    .action(async (modelBin: string, tokenizerBin: string, outOnnx: string) => {
      const r = await convertLlama2c(modelBin, tokenizerBin, outOnnx);
      const c = r.config;
      io.stdout.write(
        `wrote ${r.onnxPath} (${fmtBytes(r.onnxBytes)}, ${r.parameters} parameters: dim ${c.dim}, ${c.layers} layers, ${c.heads} heads, ${c.kvHeads} KV heads, vocab ${c.vocabSize})\n` +
          `wrote ${r.tokenizerPath}\n`,
      );
    });
}
