#!/usr/bin/python3
"""The bench's 6-layer 8x64 encoder: the BERT architecture of models/encoder (scripts/models/
train_encoder.py's own module, so the graph is a real torch.onnx.export with the plain attention
chain) at 6 layers, hidden 512, 8 heads x 64, intermediate 2048 and 1024 positions, seeded random
weights (timing and memory only: its outputs mean nothing). Uses models/encoder's tokenizer.

    /usr/bin/python3 scripts/bench/make_bench_encoder.py OUT_DIR

Writes OUT_DIR/model.onnx, tokenizer.json, tokenizer_config.json, config.json (~85 MB; the bench
builds it into .test-cache/bench/, never committed).
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models'))
import common  # noqa: E402
import train_encoder  # noqa: E402

import torch  # noqa: E402

LAYERS, HIDDEN, HEADS, INTER, POSITIONS, VOCAB = 6, 512, 8, 2048, 1024, 2048


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    common.seed_everything(1234)
    torch.set_num_threads(1)
    model = train_encoder.Bert(VOCAB, POSITIONS, HIDDEN, LAYERS, HEADS, INTER, 2)
    model.eval()
    ids = torch.tensor([[2, 10, 11, 12, 13, 3]], dtype=torch.long)
    axes = {n: {0: 'batch_size', 1: 'sequence_length'} for n in ('input_ids', 'attention_mask', 'token_type_ids')}
    axes['logits'] = {0: 'batch_size'}
    path = os.path.join(out, 'model.onnx')
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), path, opset_version=17,
                      do_constant_folding=True, input_names=['input_ids', 'attention_mask', 'token_type_ids'],
                      output_names=['logits'], dynamic_axes=axes)
    src = os.path.join(common.REPO, 'models', 'encoder')
    for f in ('tokenizer.json', 'tokenizer_config.json'):
        shutil.copyfile(os.path.join(src, f), os.path.join(out, f))
    with open(os.path.join(src, 'config.json')) as fh:
        cfg = json.load(fh)
    cfg.update(hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS, intermediate_size=INTER,
               max_position_embeddings=POSITIONS)
    with open(os.path.join(out, 'config.json'), 'w') as fh:
        json.dump(cfg, fh, indent=2)
    print(f'{path}: {os.path.getsize(path)} bytes', flush=True)


if __name__ == '__main__':
    main()
