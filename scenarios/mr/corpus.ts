/**
 * A generated stand-in for the MapReduce lab's input: eight files named like
 * the Project Gutenberg books of test-mr.sh, with the same byte sizes (times a
 * scale factor), holding English-like text: Zipf-distributed words (a short
 * list of common English words, then a long tail of made-up ones), per-book
 * character names, capitals, punctuation, dialogue quotes, chapter headings,
 * wrapped lines and blank-line paragraphs, and a few non-ASCII letters and
 * dashes, so that wc and indexer have real work and Unicode edge cases.
 *
 * The early_exit app's slow keys are *file names* (its map emits the file
 * name): "pg-sherlock_holmes.txt" contains "sherlock" and "pg-tom_sawyer.txt"
 * contains "tom". The text also has words containing "tom" (tomorrow,
 * bottom, …) and the names Sherlock and Tom, which matter to wc and indexer
 * only.
 *
 * Deterministic: the same Prng seed and scale give the same bytes. Each file
 * draws from its own fork of the seed, so one file's size does not change
 * another's text.
 */
import { utf8Length } from '../../sim/codec.ts';
import type { Prng } from '../../sim/prng.ts';
import type { InputFile } from '../../protocols/mapreduce/sequential.ts';

export interface CorpusFileSpec {
  readonly name: string;
  /** Size in bytes of the original book (spec 2.10). */
  readonly bytes: number;
  /** Character names woven into the text. */
  readonly names: readonly string[];
}

export const corpusFiles: readonly CorpusFileSpec[] = [
  { name: 'pg-being_ernest.txt', bytes: 138_885, names: ['Algernon', 'Jack', 'Gwendolen', 'Cecily', 'Bracknell'] },
  { name: 'pg-dorian_gray.txt', bytes: 453_168, names: ['Dorian', 'Gray', 'Henry', 'Basil', 'Sibyl'] },
  { name: 'pg-frankenstein.txt', bytes: 441_033, names: ['Victor', 'Frankenstein', 'Elizabeth', 'Clerval', 'Walton'] },
  { name: 'pg-grimm.txt', bytes: 540_174, names: ['Gretel', 'Hansel', 'Rapunzel', 'Rumpelstiltskin', 'King'] },
  { name: 'pg-huckleberry_finn.txt', bytes: 594_262, names: ['Huck', 'Jim', 'Tom', 'Sawyer', 'Pap'] },
  { name: 'pg-metamorphosis.txt', bytes: 139_054, names: ['Gregor', 'Samsa', 'Grete'] },
  { name: 'pg-sherlock_holmes.txt', bytes: 581_863, names: ['Holmes', 'Watson', 'Sherlock', 'Lestrade', 'Adler'] },
  { name: 'pg-tom_sawyer.txt', bytes: 412_665, names: ['Tom', 'Huck', 'Becky', 'Polly', 'Sawyer', 'Joe'] },
];

/** Sum of the original sizes: 3,301,104 bytes. */
export const corpusBytesFull = corpusFiles.reduce((n, f) => n + f.bytes, 0);

/**
 * The scale fast scenarios use: 1/16 of the real books (≈ 206 KB in all,
 * 8.7–37 KB per file). Large enough for thousands of distinct words per
 * partition, small enough that a whole wc job runs in tens of milliseconds.
 * Scale 1 reproduces the full 3,301,104 bytes.
 */
export const defaultCorpusScale = 1 / 16;

/** Common English words, most frequent first (our own list); the Zipf head. */
const COMMON = (
  'the and of to a in that was he it his I with had as for you her she not at but be ' +
  'on is him my by said all so have which they this me from were one what there we would ' +
  'no when up out if an them or been do could their into time will then very more now ' +
  'little your who little see down any about over like upon did some before old man again ' +
  'know went only our has can well how come way here other should after made must first ' +
  "never long away good great thought house eyes hand night don't it's I'm through head " +
  'face still door tomorrow bottom custom stomach atom young moment room father mother ' +
  'water morning light heart nothing something last every might found looked left those'
).split(' ');

/** Words with letters outside ASCII, spread through the tail. */
const ACCENTED = ['café', 'naïve', 'fiancée', 'rôle', 'déjà', 'façade', 'Zoë', 'señor', 'über', 'protégé'];

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'ch', 'cl', 'dr', 'gr', 'pl', 'sh', 'st', 'th', 'tr', 'wh'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai', 'ee', 'oo', 'y'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'st', 'ck', 'ng', 'rd', 'm'];

const TAIL_WORDS = 4000;

/** A discrete distribution over ranks with integer weights, drawn through a guide table. */
interface RankTable {
  /** cumulative[i] = sum of the weights of ranks 0..i. */
  readonly cumulative: Float64Array;
  readonly total: number;
  /** guide[j] = first rank whose cumulative weight exceeds j·total/GUIDE. */
  readonly guide: Uint32Array;
}

interface Vocabulary {
  readonly words: readonly string[];
  readonly bytes: readonly number[];
  readonly ranks: RankTable;
}

const GUIDE = 4096;

function zipfTable(count: number, offset: number): RankTable {
  // Weights ∝ 1/(rank + offset) (Zipf–Mandelbrot, exponent 1), integers so
  // that draws are platform-independent; the total stays below 2^32.
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let r = 0; r < count; r++) {
    total += Math.floor(2 ** 26 / (r + offset));
    cumulative[r] = total;
  }
  const guide = new Uint32Array(GUIDE);
  let r = 0;
  for (let j = 0; j < GUIDE; j++) {
    const x = Math.floor((j * total) / GUIDE);
    while (cumulative[r]! <= x) r++;
    guide[j] = r;
  }
  return { cumulative, total, guide };
}

function drawRank(rng: Prng, t: RankTable): number {
  const x = rng.below(t.total);
  let r = t.guide[Math.floor((x * GUIDE) / t.total)]!;
  while (t.cumulative[r]! <= x) r++;
  return r;
}

function makeTailWord(rng: Prng): string {
  let w = '';
  const syllables = 1 + rng.below(3);
  for (let s = 0; s < syllables; s++) w += rng.pick(ONSETS) + rng.pick(VOWELS) + rng.pick(CODAS);
  return w;
}

function buildVocabulary(rng: Prng): Vocabulary {
  const seen = new Set<string>(COMMON);
  const words = [...new Set(COMMON)];
  const tail: string[] = [];
  while (tail.length < TAIL_WORDS) {
    const w = makeTailWord(rng);
    if (seen.has(w)) continue;
    seen.add(w);
    tail.push(w);
  }
  for (let i = 0; i < ACCENTED.length; i++) tail.splice(40 + i * 97, 0, ACCENTED[i]!);
  words.push(...tail);
  return { words, bytes: words.map(utf8Length), ranks: zipfTable(words.length, 3) };
}

const ROMAN: ReadonlyArray<[number, string]> = [
  [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I'],
];

function roman(n: number): string {
  let s = '';
  for (const [v, r] of ROMAN) while (n >= v) { s += r; n -= v; }
  return s;
}

const LINE_WIDTH = 72;

/** Accumulates wrapped text and its UTF-8 size. */
class TextBuilder {
  readonly lines: string[] = [];
  bytes = 0;
  private line = '';

  word(token: string, tokenBytes: number): void {
    if (this.line.length > 0 && this.line.length + 1 + token.length > LINE_WIDTH) {
      this.lines.push(this.line);
      this.line = token;
      this.bytes += 1 + tokenBytes;
    } else if (this.line.length > 0) {
      this.line += ' ' + token;
      this.bytes += 1 + tokenBytes;
    } else {
      this.line = token;
      this.bytes += tokenBytes;
    }
  }
  breakParagraph(): void {
    if (this.line.length > 0) {
      this.lines.push(this.line);
      this.bytes++;
    }
    this.lines.push('');
    this.bytes++;
    this.line = '';
  }
  text(): string {
    return this.lines.join('\n') + (this.lines.length > 0 ? '\n' : '') + this.line;
  }
}

const END_PUNCTUATION = ['.', '.', '.', '.', '?', '!', '.', '?'];
const MID_PUNCTUATION = [',', ',', ',', ';', ':', '—', ',', ';'];
const MID_PUNCTUATION_BYTES = MID_PUNCTUATION.map(utf8Length);

/**
 * One sentence. Each word takes one 32-bit draw for its small decisions
 * (≈1/30 a character name, ≈1/340 upper case, ≈1/9 punctuation after it)
 * plus one Zipf draw, which keeps a full-size corpus well under a second.
 */
function writeSentence(t: TextBuilder, rng: Prng, vocab: Vocabulary, names: readonly string[], namesTable: RankTable): void {
  const length = 3 + rng.below(20);
  const quoted = rng.below(6) === 0;
  for (let i = 0; i < length; i++) {
    const bits = rng.u32();
    let w: string;
    let b: number;
    if ((bits & 0x3ff) < 34) {
      w = names[drawRank(rng, namesTable)]!;
      b = w.length;
    } else {
      const r = drawRank(rng, vocab.ranks);
      w = vocab.words[r]!;
      b = vocab.bytes[r]!;
    }
    if (i === 0) w = w.charAt(0).toUpperCase() + w.slice(1);
    else if (((bits >>> 10) & 0x3ff) < 3) w = w.toUpperCase();
    if (quoted && i === 0) {
      w = '"' + w;
      b++;
    }
    if (i === length - 1) {
      w += END_PUNCTUATION[bits >>> 29]!;
      b++;
      if (quoted) {
        w += '"';
        b++;
      }
    } else if (((bits >>> 20) & 0xff) < 28) {
      const p = bits >>> 29;
      w += MID_PUNCTUATION[p]!;
      b += MID_PUNCTUATION_BYTES[p]!;
    }
    t.word(w, b);
  }
}

function generateFile(rng: Prng, vocab: Vocabulary, spec: CorpusFileSpec, targetBytes: number): string {
  const t = new TextBuilder();
  const namesTable = zipfTable(spec.names.length, 1);
  let chapter = 0;
  while (t.bytes < targetBytes) {
    if (rng.chance(1, 25) || chapter === 0) {
      chapter++;
      t.word('CHAPTER', 7);
      t.word(roman(chapter), roman(chapter).length);
      t.breakParagraph();
    }
    const sentences = 1 + rng.below(8);
    for (let s = 0; s < sentences && t.bytes < targetBytes; s++) writeSentence(t, rng, vocab, spec.names, namesTable);
    t.breakParagraph();
  }
  const text = t.text();
  // Drop whole characters from the end until at most targetBytes, then pad with newlines to the exact size.
  let bytes = utf8Length(text);
  let end = text.length;
  while (bytes > targetBytes) {
    const c = text.charCodeAt(end - 1);
    const cut = c >= 0xdc00 && c <= 0xdfff ? 2 : 1;
    bytes -= utf8Length(text.slice(end - cut, end));
    end -= cut;
  }
  return text.slice(0, end) + '\n'.repeat(targetBytes - bytes);
}

/** Byte size of `spec` at `scale` (at least 1). */
export function scaledBytes(spec: CorpusFileSpec, scale: number): number {
  return Math.max(1, Math.round(spec.bytes * scale));
}

/** The eight input files, in the order of the test script's glob (sorted names). */
export function generateCorpus(rng: Prng, scale: number = defaultCorpusScale): InputFile[] {
  if (!(scale > 0)) throw new RangeError(`scale must be positive, got ${scale}`);
  const vocab = buildVocabulary(rng.fork('vocabulary'));
  return corpusFiles.map((spec) => ({
    name: spec.name,
    contents: generateFile(rng.fork(spec.name), vocab, spec, scaledBytes(spec, scale)),
  }));
}
