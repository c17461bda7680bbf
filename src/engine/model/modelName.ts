// The name a person knows a model by. Exporters write the same file names into every model folder
// (Hugging Face's `model.onnx`, optimum's `decoder_model.onnx`, ...), so "model.onnx" says nothing:
// the folder ("decoder", "distilbert-base-uncased") does. A name the producer wrote into the file
// (metadata `model_name`, as the llama2.c converter does with the checkpoint's name) wins.
// No node:path: the report webview imports modelLabel.
import type { onnx } from 'onnx-proto';

/** File stems exporters use for every model; the folder names these. */
const GENERIC_STEMS = /^(model|model_with_past|model_fp16|model_quantized|model_optimized|decoder_model|decoder_with_past_model|decoder_model_merged|encoder_model|onnx)$/i;

export function modelDisplayName(fileName: string, dir: string, proto?: onnx.IModelProto): string {
  const named = (proto?.metadataProps ?? []).find((p) => p.key === 'model_name')?.value?.trim();
  if (named) return named;
  const stem = fileName.replace(/\.onnx$/i, '');
  const folder = dir.split(/[\\/]/).filter((p) => p !== '' && p !== '.').pop();
  return GENERIC_STEMS.test(stem) && folder ? folder : stem;
}

/** What a view calls the model: its name, or the file name in reports written before names were kept. */
export function modelLabel(model: { name?: string; fileName: string }): string {
  return model.name ?? model.fileName;
}
