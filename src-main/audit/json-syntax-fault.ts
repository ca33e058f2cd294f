import { describePoint, pointWithin, shownCharacter, type TextPoint } from './text-position';

/**
 * Where and why JSON.parse refused a text, in words of our own. JSON.parse's messages do not do:
 * some give no position at all, some quote the text around the fault (which in a log file may be
 * anything, key material included), and their wording changes between Node versions. This scan runs
 * only after JSON.parse has failed, so it is written to be plain rather than fast.
 */
export interface JsonFault {
  /** Index into the text (UTF-16 code units, as JavaScript strings count them). */
  index: number;
  /** What is wrong, as a sentence without its place: "expected a value, but found 'x'". */
  problem: string;
}

type Expecting = 'value' | 'value-or-close' | 'name' | 'name-or-close' | 'colon' | 'comma-or-close' | 'end';

const WHITE_SPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPED = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'];
const HEX4 = /[0-9a-fA-F]{4}/y;

function expectation(expecting: Expecting, container: '{' | '[' | undefined): string {
  switch (expecting) {
    case 'value':
      return 'a value';
    case 'value-or-close':
      return "a value or ']'";
    case 'name':
      return 'a member name in double quotes';
    case 'name-or-close':
      return "a member name in double quotes or '}'";
    case 'colon':
      return 'a colon after the member name';
    case 'comma-or-close':
      return container === '{' ? "a comma or '}' after the member's value" : "a comma or ']' after the array element";
    case 'end':
      return 'the end of the text';
  }
}

/** The first fault of `text` as JSON, or undefined when it is valid JSON. */
export function jsonSyntaxFault(text: string): JsonFault | undefined {
  const open: ('{' | '[')[] = [];
  let expecting: Expecting = 'value';
  let i = 0;
  const afterValue = (): Expecting => (open.length ? 'comma-or-close' : 'end');
  const notExpected = (): JsonFault => ({ index: i, problem: `expected ${expectation(expecting, open.at(-1))}, but found ${shownCharacter(text.charCodeAt(i))}` });
  for (;;) {
    while (i < text.length && WHITE_SPACE.has(text[i] as string)) i++;
    if (i >= text.length) {
      return expecting === 'end' ? undefined : { index: i, problem: `expected ${expectation(expecting, open.at(-1))}, but the text ends` };
    }
    const c = text[i] as string;
    if (expecting === 'end') return { index: i, problem: `unexpected ${shownCharacter(text.charCodeAt(i))} after the end of the JSON value` };
    if (expecting === 'colon') {
      if (c !== ':') return notExpected();
      i++;
      expecting = 'value';
    } else if (expecting === 'comma-or-close') {
      const container = open.at(-1);
      if (c === ',') expecting = container === '{' ? 'name' : 'value';
      else if (c === (container === '{' ? '}' : ']')) {
        open.pop();
        expecting = afterValue();
      } else return notExpected();
      i++;
    } else if (expecting === 'name' || expecting === 'name-or-close') {
      if (c === '}' && expecting === 'name-or-close') {
        open.pop();
        i++;
        expecting = afterValue();
        continue;
      }
      if (c !== '"') return notExpected();
      const end = stringEnd(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      expecting = 'colon';
    } else {
      if (c === ']' && expecting === 'value-or-close') {
        open.pop();
        i++;
        expecting = afterValue();
        continue;
      }
      const end = valueStart(text, i, open);
      if (end === undefined && /[a-z]/i.test(c)) return { index: i, problem: `expected ${expectation(expecting, open.at(-1))}, but found a word starting with '${c}' (JSON's only words are true, false and null)` };
      if (end === undefined) return notExpected();
      if (typeof end !== 'number') return end;
      i = end;
      expecting = c === '{' ? 'name-or-close' : c === '[' ? 'value-or-close' : afterValue();
    }
  }
}

/** Past a scalar value, or into an object or array (pushed on `open`); undefined when no value starts at `i`. */
function valueStart(text: string, i: number, open: ('{' | '[')[]): number | JsonFault | undefined {
  const c = text[i] as string;
  if (c === '{' || c === '[') {
    open.push(c);
    return i + 1;
  }
  if (c === '"') return stringEnd(text, i);
  if (c === '-' || (c >= '0' && c <= '9')) {
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    return number ? i + number[0].length : { index: i, problem: 'a malformed number: a minus sign must be followed by a digit' };
  }
  const literal = LITERALS.find((word) => text.startsWith(word, i));
  return literal ? i + literal.length : undefined;
}

/** Past the string that opens at `start`, or what is wrong inside it. */
function stringEnd(text: string, start: number): number | JsonFault {
  for (let i = start + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { index: i, problem: `${shownCharacter(code)} inside a string, where it must be written as an escape` };
    if (code !== 0x5c) continue;
    const escaped = text[i + 1] ?? '';
    if (escaped === 'u') {
      HEX4.lastIndex = i + 2;
      if (!HEX4.test(text)) return { index: i, problem: 'a \\u escape inside a string without four hexadecimal digits' };
      i += 5;
    } else if (ESCAPED.has(escaped)) {
      i++;
    } else {
      return { index: i, problem: `an escape inside a string that JSON does not have (a backslash before ${escaped ? shownCharacter(escaped.charCodeAt(0)) : 'the end of the text'})` };
    }
  }
  return { index: start, problem: 'a string that is never closed' };
}

/** A JSON value's text and where it starts in the document, to place a fault JSON.parse finds in it. */
export interface JsonText {
  text: string;
  start: TextPoint;
}

/**
 * Why JSON.parse refused `value`, and where in the document: "in Records[3], expected a value, but
 * found 'x' at line 1, column 200 (byte 199)". `what` names the value; none for the whole document.
 */
export function jsonFaultMessage(value: JsonText, what: string | undefined): string {
  const fault = jsonSyntaxFault(value.text);
  const prefix = what === undefined ? '' : `in ${what}, `;
  // JSON.parse refused it, so a fault is there; should the scan miss it, the value's start is still a place to look.
  if (!fault) return `${prefix}the JSON value that starts at ${describePoint(value.start)} is not valid`;
  return `${prefix}${fault.problem} at ${describePoint(pointWithin(value.start, value.text, fault.index))}`;
}
