import { describe, expect, it } from 'vitest';
import { jsonFaultMessage, jsonSyntaxFault } from '../../src-main/audit/json-syntax-fault';

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('placing and naming the fault in a JSON text that JSON.parse refused', () => {
  it.each([
    ['{"a": x}', 6, "expected a value, but found a word starting with 'x' (JSON's only words are true, false and null)"],
    ['{"a": +1}', 6, "expected a value, but found '+'"],
    ['{"a": tru}', 6, "expected a value, but found a word starting with 't' (JSON's only words are true, false and null)"],
    ['{"a": 1,}', 8, "expected a member name in double quotes, but found '}'"],
    ['{a: 1}', 1, "expected a member name in double quotes or '}', but found 'a'"],
    ['{"a" 1}', 5, "expected a colon after the member name, but found '1'"],
    ['{"a": 1 "b": 2}', 8, "expected a comma or '}' after the member's value, but found '\"'"],
    ['[1 2]', 3, "expected a comma or ']' after the array element, but found '2'"],
    ['[1,]', 3, "expected a value, but found ']'"],
    ['[,1]', 1, "expected a value or ']', but found ','"],
    ['{"a": 01}', 7, "expected a comma or '}' after the member's value, but found '1'"],
    ['{"a": -x}', 6, 'a malformed number: a minus sign must be followed by a digit'],
    ['{"a": "b\\qc"}', 8, "an escape inside a string that JSON does not have (a backslash before 'q')"],
    ['{"a": "\\u12g4"}', 7, 'a \\u escape inside a string without four hexadecimal digits'],
    ['{"a": "line\nbreak"}', 11, 'a control character (U+000A) inside a string, where it must be written as an escape'],
    ['{"a": "never closed}', 6, 'a string that is never closed'],
    ['{"a": [1, 2}', 11, "expected a comma or ']' after the array element, but found '}'"],
    ['{"a": 1} x', 9, "unexpected 'x' after the end of the JSON value"],
    ['{"a": 1', 7, "expected a comma or '}' after the member's value, but the text ends"],
    ['', 0, 'expected a value, but the text ends'],
    ['{"a": é}', 6, 'expected a value, but found a non-ASCII character'],
  ])('%j: at %i, %s', (text, index, problem) => {
    expect(parses(text)).toBe(false);
    expect(jsonSyntaxFault(text)).toEqual({ index, problem });
  });

  it('agrees with JSON.parse on what is valid, for every one-character change of a record', () => {
    const record = JSON.stringify({ eventID: 'e-1', n: -1.5e3, ok: true, none: null, list: [1, [2, {}], []], s: 'q"\\\n\u00e9', u: '\u2603' }, null, 1);
    const alphabet = ['', ' ', '{', '}', '[', ']', ',', ':', '"', '\\', '1', '-', '.', 'e', 't', 'x', '\n', '\u0001'];
    for (let i = 0; i <= record.length; i++) {
      for (const c of alphabet) {
        for (const variant of [record.slice(0, i) + c + record.slice(i), record.slice(0, i) + c + record.slice(i + 1)]) {
          expect(jsonSyntaxFault(variant) === undefined, JSON.stringify(variant)).toBe(parses(variant));
        }
      }
    }
  });

  it('does not fall over on deep nesting', () => {
    expect(jsonSyntaxFault(`${'['.repeat(100_000)}}`)).toEqual({ index: 100_000, problem: "expected a value or ']', but found '}'" });
  });
});

describe('the message for a value of a document', () => {
  it('places the fault in the document from where the value starts: line, column in characters, and byte', () => {
    const start = { line: 4, column: 3, byte: 120 };
    expect(jsonFaultMessage({ text: '{"a": "日本", "b": +}', start }, 'Records[2]')).toBe("in Records[2], expected a value, but found '+' at line 4, column 20 (byte 141)");
    expect(jsonFaultMessage({ text: '{"a": 1,\n  "b": 2,\n  }', start }, 'Records[2]')).toBe("in Records[2], expected a member name in double quotes, but found '}' at line 6, column 3 (byte 141)");
    expect(jsonFaultMessage({ text: 'nul', start: { line: 1, column: 1, byte: 0 } }, undefined)).toBe("expected a value, but found a word starting with 'n' (JSON's only words are true, false and null) at line 1, column 1 (byte 0)");
  });

  it('quotes at most the one character at fault, never the text around it (it may be key material)', () => {
    const secret = 'c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3ODkw';
    for (const text of [`{"Plaintext": "${secret}" x}`, `{"Plaintext": ${secret}}`, `{"Plaintext": "${secret}\\q"}`, `{"Plaintext": "${secret}`]) {
      const message = jsonFaultMessage({ text, start: { line: 1, column: 1, byte: 0 } }, 'Records[0]');
      expect(message).not.toContain(secret.slice(0, 2));
      expect(message).toMatch(/ at line 1, column \d+ \(byte \d+\)$/);
    }
  });
});
