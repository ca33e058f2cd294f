import { isAscii } from 'node:buffer';

/** A place in a text as an editor shows it — line and column from 1, the column in characters — and its byte offset. */
export interface TextPoint {
  line: number;
  column: number;
  byte: number;
}

/** The first character of a text. */
export const TEXT_START: Readonly<TextPoint> = Object.freeze({ line: 1, column: 1, byte: 0 });

/** "line 3, column 5 (byte 40)": the words every message about a place in a document uses. */
export function describePoint(point: TextPoint): string {
  return `line ${point.line}, column ${point.column} (byte ${point.byte})`;
}

/** How one character shows in a message: itself when it is printable ASCII, else what kind of character it is. */
export function shownCharacter(code: number): string {
  if (code >= 0x20 && code < 0x7f) return `'${String.fromCharCode(code)}'`;
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return 'a non-ASCII character';
}

/**
 * Follows a UTF-8 text arriving a chunk at a time, to say where one of its bytes stands. It only moves
 * forward, and looks at each chunk's bytes once (whether it is ASCII, where its newlines are), so
 * finding a place for every record of a chunk costs one pass over it — a CloudTrail log is often a
 * single line of many megabytes, not to be scanned again for each record.
 */
export class TextCursor {
  private line = 1;
  private column = 1;
  private byte = 0;
  /** Where the cursor stands in the current chunk. */
  private index = 0;
  /** The chunk's first newline at or after `index` (its length when there is none), once looked for. */
  private nextNewline = -1;
  /** Whether the chunk is all ASCII (then a byte is a character), once looked at. */
  private ascii: boolean | undefined;

  /** The place of chunk[index]: at or after the last place asked for in this chunk. */
  pointAt(chunk: Buffer, index: number): TextPoint {
    let lineStart = this.index;
    for (;;) {
      if (this.nextNewline < lineStart) this.nextNewline = newlineFrom(chunk, lineStart);
      if (this.nextNewline >= index) break;
      this.line++;
      this.column = 1;
      lineStart = this.nextNewline + 1;
    }
    this.ascii ??= isAscii(chunk);
    this.column += this.ascii ? index - lineStart : characters(chunk, lineStart, index);
    this.byte += index - this.index;
    this.index = index;
    return this.point;
  }

  /** Bytes up to chunk[index] that are no text (a byte order mark): they count as bytes, not as characters. */
  skipTo(index: number): void {
    this.byte += index - this.index;
    this.index = index;
  }

  /** The chunk is read to its end: the next one goes on from there. */
  finishChunk(chunk: Buffer): void {
    this.pointAt(chunk, chunk.length);
    this.index = 0;
    this.nextNewline = -1;
    this.ascii = undefined;
  }

  /** Where the cursor stands: after the last chunk finished, the end of the text. */
  get point(): TextPoint {
    return { line: this.line, column: this.column, byte: this.byte };
  }
}

function newlineFrom(chunk: Buffer, from: number): number {
  const at = chunk.indexOf(0x0a, from);
  return at < 0 ? chunk.length : at;
}

/** Characters in bytes[from, to) of UTF-8: every byte but a continuation byte (10xxxxxx) starts one. */
function characters(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (((bytes[i] as number) & 0xc0) !== 0x80) count++;
  return count;
}

/** The place of text[index] in a document where `text` starts at `start`. */
export function pointWithin(start: TextPoint, text: string, index: number): TextPoint {
  const before = text.slice(0, index);
  const lastNewline = before.lastIndexOf('\n');
  const newlines = before.split('\n').length - 1;
  const column = lastNewline < 0 ? start.column + codePoints(before) : codePoints(before.slice(lastNewline + 1)) + 1;
  return { line: start.line + newlines, column, byte: start.byte + Buffer.byteLength(before, 'utf8') };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
