// Token text as a reader should see it: SentencePiece/byte-level markers decoded (▁ and Ġ are
// spaces, <0x0A> is a newline byte), whitespace made visible (· space, ↵ newline, ⇥ tab) and
// special tokens (<s>, [CLS], <|endoftext|>) recognised so they can be styled as markers, not text.
// Pure functions: the token view, the overview tooltips and tests share them.

export type TokenKind = 'text' | 'special' | 'byte' | 'space';

export interface TokenDisplay {
  kind: TokenKind;
  /** Pieces to show; `ws` pieces are visible-whitespace glyphs (styled fainter). */
  parts: { text: string; ws?: boolean }[];
  /** Plain-text form for titles and aria labels ("·Once", "↵", "<s>"). */
  label: string;
}

const SPECIAL = /^(<\/?s>|<unk>|<pad>|<mask>|<\|[a-z_]+\|>|\[(CLS|SEP|PAD|UNK|MASK|BOS|EOS)\])$/i;
const BYTE = /^<0x([0-9A-F]{2})>$/i;
const GLYPH: Record<string, string> = { ' ': '·', '\n': '↵', '\r': '␍', '\t': '⇥' };

function visible(text: string): TokenDisplay['parts'] {
  const parts: TokenDisplay['parts'] = [];
  let run = '';
  for (const ch of text) {
    const g = GLYPH[ch];
    if (g === undefined) {
      run += ch;
      continue;
    }
    if (run) parts.push({ text: run });
    run = '';
    parts.push({ text: g, ws: true });
  }
  if (run) parts.push({ text: run });
  return parts;
}

export function tokenDisplay(raw: string): TokenDisplay {
  // Tokenizers print markers (▁ SentencePiece, Ġ/Ċ GPT-2 byte-level) for spaces and newlines.
  const text = raw.replace(/\u2581/g, ' ').replace(/\u0120/g, ' ').replace(/\u010a/g, '\n');
  const trimmed = text.trim();
  if (SPECIAL.test(trimmed)) return { kind: 'special', parts: [{ text: trimmed }], label: trimmed };
  const byte = BYTE.exec(trimmed);
  if (byte) {
    const code = parseInt(byte[1], 16);
    const ch = String.fromCharCode(code);
    // Printable ASCII decodes to itself; other bytes (a piece of a UTF-8 character) stay as hex.
    if (GLYPH[ch]) return { kind: 'space', parts: [{ text: GLYPH[ch], ws: true }], label: GLYPH[ch] };
    if (code >= 0x21 && code < 0x7f) return { kind: 'byte', parts: [{ text: ch }], label: ch };
    return { kind: 'byte', parts: [{ text: `\\x${byte[1].toUpperCase()}` }], label: `byte 0x${byte[1].toUpperCase()}` };
  }
  const parts = visible(text);
  const kind: TokenKind = text !== '' && trimmed === '' ? 'space' : 'text';
  if (parts.length === 0) return { kind: 'space', parts: [{ text: '∅', ws: true }], label: '(empty)' };
  return { kind, parts, label: parts.map((p) => p.text).join('') };
}
