/**
 * Splits a CloudTrail log document — `{"Records": [ {...}, {...} ], ...}` — arriving a chunk of
 * bytes at a time into the text of each element of its Records array, so a log file of any size is
 * read holding one record at a time, never the whole document (which may be larger than one
 * string). Only the document's frame (the object, its keys, the array's commas) is checked here;
 * each element, and every other member, is handed on as text for JSON.parse to read and judge.
 *
 * It works on bytes: the characters that delimit JSON are ASCII, and no byte of a multi-byte UTF-8
 * character is ASCII, so a record is decoded only once it is whole, however chunks cut it.
 */
import { jsonFaultMessage, type JsonText } from './json-syntax-fault';
import { describePoint, shownCharacter, TextCursor, type TextPoint } from './text-position';

/** No CloudTrail record comes near this; a "record" that does is not one (a gzip bomb, a broken file). */
export const MAX_VALUE_BYTES = 64 * 1024 * 1024;

/** A fault in the document's frame, at a byte offset of the (decompressed) document. */
export class DocumentSyntaxError extends Error {
  override name = 'DocumentSyntaxError';
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

/** What the splitter found outside the Records array: the other members, as JSON text. */
export interface DocumentFrame {
  /** True when the document had a Records member whose value was an array (its elements were emitted). */
  recordsStreamed: boolean;
  /** Every other top-level member (Records too, when it was not an array), as JSON text. */
  members: Map<string, JsonText>;
  /** The whole document as JSON text, when it was not an object at all. */
  notAnObject?: JsonText;
}

const enum State {
  Start,
  KeyOrEnd,
  Key,
  Colon,
  MemberValue,
  ElementStart,
  AfterElement,
  AfterMember,
  End,
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
/** The bytes a JSON value can begin with: { [ " - 0-9 t f n. */
const JSON_VALUE_START = new Uint8Array(256);
for (const c of '{["-0123456789tfn') JSON_VALUE_START[c.charCodeAt(0)] = 1;
const BOM = [0xef, 0xbb, 0xbf];
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * One JSON value being collected across chunks: where it ends is found by counting brackets outside
 * strings (an object or array), the closing quote (a string), or the first delimiter (a number,
 * true, false, null).
 */
class ValueCapture {
  private readonly pieces: Buffer[] = [];
  private size = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private readonly scalar: boolean;

  constructor(first: number, private readonly what: () => string, readonly start: TextPoint) {
    this.scalar = first !== OPEN_OBJECT && first !== OPEN_ARRAY && first !== QUOTE;
  }

  /** Scans `chunk` from `from`; the index just past the value when it ended there, else -1 (all of it taken). */
  scan(chunk: Buffer, from: number): number {
    let i = from;
    for (; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.depth === 0) return this.take(chunk, from, i + 1);
        }
        continue;
      }
      if (this.scalar) {
        if (WS[c] || c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT) return this.take(chunk, from, i);
        continue;
      }
      // A quote starts a string: the value's own opening quote, or one inside it.
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        this.depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 0) return this.take(chunk, from, i + 1);
      }
    }
    this.keep(chunk.subarray(from));
    return -1;
  }

  /** A scalar at the very end of the document ends with it. */
  get endsAtEof(): boolean {
    return this.scalar && !this.inString;
  }

  text(): string {
    return (this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, this.size)).toString('utf8');
  }

  private take(chunk: Buffer, from: number, end: number): number {
    this.keep(chunk.subarray(from, end));
    return end;
  }

  private keep(piece: Buffer): void {
    if (piece.length === 0) return;
    this.size += piece.length;
    if (this.size > MAX_VALUE_BYTES) {
      throw new DocumentSyntaxError(`${this.what()} is over ${MAX_VALUE_BYTES / 1024 / 1024} MiB, far larger than any CloudTrail record: a damaged file, or not a CloudTrail log file`, this.start.byte);
    }
    // A copy: the chunk's memory is the stream's, reused for the next chunk.
    this.pieces.push(Buffer.from(piece));
  }
}

export class RecordsSplitter {
  private state = State.Start;
  /** Bytes of a byte order mark read so far; -1 once the document has none. */
  private bom = 0;
  /** Bytes of the document before the current chunk. */
  private offset = 0;
  /** Where in the document the bytes being read stand, for messages. */
  private readonly cursor = new TextCursor();
  private afterComma = false;
  private key = '';
  private keyCapture: ValueCapture | undefined;
  private capture: ValueCapture | undefined;
  private elements = 0;
  private readonly frame: DocumentFrame = { recordsStreamed: false, members: new Map() };

  /** `onElement(element)` is called with each element of Records, in order. */
  constructor(private readonly onElement: (element: JsonText, index: number) => void) {}

  push(chunk: Buffer): void {
    let i = 0;
    // A UTF-8 byte order mark, as editors on Windows write, is no JSON (RFC 8259 lets a reader ignore it), even cut across chunks.
    while (this.bom >= 0 && this.bom < BOM.length && i < chunk.length) {
      if (this.offset + i !== this.bom || chunk[i] !== BOM[this.bom]) {
        this.bom = -1;
        break;
      }
      this.bom++;
      i++;
    }
    this.cursor.skipTo(i);
    while (i < chunk.length) {
      if (this.capture) {
        const end = this.capture.scan(chunk, i);
        if (end < 0) break;
        this.finishCapture();
        i = end;
        continue;
      }
      const c = chunk[i] as number;
      if (this.state === State.Key) {
        const end = (this.keyCapture as ValueCapture).scan(chunk, i);
        if (end < 0) break;
        this.key = this.memberName(this.keyCapture as ValueCapture);
        this.keyCapture = undefined;
        this.state = State.Colon;
        i = end;
        continue;
      }
      if (WS[c]) {
        i++;
        continue;
      }
      const at = this.offset + i;
      switch (this.state) {
        case State.Start:
          if (c === OPEN_OBJECT) {
            this.state = State.KeyOrEnd;
            i++;
          } else if (!JSON_VALUE_START[c]) {
            // An S3 error page saved as the log (<?xml …>, <html>): the fault is its first byte, not the word after it.
            throw this.expected('a JSON document ({"Records": [...]})', c, chunk, i);
          } else {
            this.startCapture(c, () => 'the document', chunk, i);
          }
          continue;
        case State.KeyOrEnd:
          if (c === CLOSE_OBJECT && !this.afterComma) this.state = State.End;
          else if (c === QUOTE) {
            // The key's opening quote is its first byte: the key capture scans from here, on the next turn.
            this.keyCapture = new ValueCapture(c, () => 'a member name', this.cursor.pointAt(chunk, i));
            this.state = State.Key;
            continue;
          } else throw this.expected(this.afterComma ? 'a member name after the comma' : 'a member name or the end of the document', c, chunk, i);
          i++;
          continue;
        case State.Colon:
          if (c !== COLON) throw this.expected(`a colon after the member name ${JSON.stringify(this.key)}`, c, chunk, i);
          this.state = State.MemberValue;
          i++;
          continue;
        case State.MemberValue:
          if (this.key === 'Records' && (this.frame.recordsStreamed || this.frame.members.has('Records'))) {
            throw new DocumentSyntaxError('has two Records members: which one is the log?', at);
          }
          if (this.key === 'Records' && c === OPEN_ARRAY) {
            this.frame.recordsStreamed = true;
            this.afterComma = false;
            this.state = State.ElementStart;
            i++;
          } else {
            const key = this.key;
            this.startCapture(c, () => `the member ${JSON.stringify(key)}`, chunk, i);
          }
          continue;
        case State.ElementStart:
          if (c === CLOSE_ARRAY && !this.afterComma) {
            this.state = State.AfterMember;
            i++;
          } else if (c === CLOSE_ARRAY || c === COMMA) {
            throw this.expected(this.afterComma ? `a record (Records[${this.elements}]) after the comma` : `a record (Records[${this.elements}]) or the end of Records`, c, chunk, i);
          } else {
            const index = this.elements;
            this.startCapture(c, () => `Records[${index}]`, chunk, i);
          }
          continue;
        case State.AfterElement:
          if (c === COMMA) {
            this.afterComma = true;
            this.state = State.ElementStart;
          } else if (c === CLOSE_ARRAY) {
            this.state = State.AfterMember;
          } else throw this.expected(`a comma or the end of Records after Records[${this.elements - 1}]`, c, chunk, i);
          i++;
          continue;
        case State.AfterMember:
          if (c === COMMA) {
            this.afterComma = true;
            this.state = State.KeyOrEnd;
          } else if (c === CLOSE_OBJECT) {
            this.state = State.End;
          } else throw this.expected(`a comma or the end of the document after the member ${JSON.stringify(this.key)}`, c, chunk, i);
          i++;
          continue;
        case State.End:
          throw new DocumentSyntaxError(`unexpected ${shownCharacter(c)} after the end of the JSON document at ${describePoint(this.cursor.pointAt(chunk, i))}`, at);
        default:
          throw new DocumentSyntaxError('cannot be read (splitter state)', at);
      }
    }
    this.offset += chunk.length;
    this.cursor.finishChunk(chunk);
  }

  /** The end of the bytes: what the document held besides its records, or a DocumentSyntaxError when it ended early. */
  end(): DocumentFrame {
    if (this.capture?.endsAtEof && this.state === State.Start) this.finishCapture();
    if (this.state === State.End) return this.frame;
    if (this.state === State.Start && !this.capture) throw new DocumentSyntaxError(this.offset === 0 ? 'the file is empty' : `the file holds no JSON, only ${this.offset} bytes of white space`, this.offset);
    throw new DocumentSyntaxError(`the JSON document is cut short: the file ends${this.openPart()} at ${describePoint(this.cursor.point)}`, this.offset);
  }

  /** What the file was in the middle of when it ended, as " inside …", or nothing at the document's own level. */
  private openPart(): string {
    if (this.state === State.Key) return ' inside a member name';
    if (this.state === State.ElementStart && this.capture) return ` inside Records[${this.elements}]`;
    if (this.state === State.ElementStart || this.state === State.AfterElement) return ' inside its Records array';
    if (this.state === State.MemberValue && this.capture) return ` inside the member ${JSON.stringify(this.key)}`;
    return '';
  }

  private startCapture(first: number, what: () => string, chunk: Buffer, i: number): void {
    this.capture = new ValueCapture(first, what, this.cursor.pointAt(chunk, i));
  }

  /** A member name's text decoded; one JSON cannot read (a bad escape, a raw control character) is a DocumentSyntaxError saying where. */
  private memberName(capture: ValueCapture): string {
    const text = capture.text();
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new DocumentSyntaxError(jsonFaultMessage({ text, start: capture.start }, 'a member name'), capture.start.byte);
    }
  }

  private finishCapture(): void {
    const capture = this.capture as ValueCapture;
    const value = { text: capture.text(), start: capture.start };
    this.capture = undefined;
    switch (this.state) {
      case State.Start:
        this.frame.notAnObject = value;
        this.state = State.End;
        return;
      case State.ElementStart:
        this.onElement(value, this.elements++);
        this.afterComma = false;
        this.state = State.AfterElement;
        return;
      default:
        this.frame.members.set(this.key, value);
        this.afterComma = false;
        this.state = State.AfterMember;
    }
  }

  /** "expected a comma …, but found 'x' at line 1, column 16 (byte 15)": the frame's one shape of fault. */
  private expected(what: string, c: number, chunk: Buffer, i: number): DocumentSyntaxError {
    const point = this.cursor.pointAt(chunk, i);
    return new DocumentSyntaxError(`expected ${what}, but found ${shownCharacter(c)} at ${describePoint(point)}`, point.byte);
  }
}
