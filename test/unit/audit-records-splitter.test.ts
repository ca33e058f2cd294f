import { describe, expect, it } from 'vitest';
import { DocumentSyntaxError, RecordsSplitter, type DocumentFrame } from '../../src-main/audit/records-splitter';

/** The elements and frame of `doc` when its bytes arrive cut at `cuts`. */
function split(doc: string | Buffer, cuts: number[] = []): { elements: unknown[]; frame: DocumentFrame } {
  const bytes = typeof doc === 'string' ? Buffer.from(doc, 'utf8') : doc;
  const elements: unknown[] = [];
  const splitter = new RecordsSplitter((element, index) => {
    expect(index).toBe(elements.length);
    elements.push(JSON.parse(element.text));
  });
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(at, cut));
    at = cut;
  }
  return { elements, frame: splitter.end() };
}

function failure(doc: string | Buffer, cuts: number[] = []): DocumentSyntaxError {
  try {
    split(doc, cuts);
  } catch (err) {
    if (err instanceof DocumentSyntaxError) return err;
    throw err;
  }
  throw new Error('no error');
}

// Strings holding what delimits JSON, escaped quotes and backslashes, multi-byte characters, nested arrays, scalars.
const records = [
  { eventID: 'a', requestParameters: { encryptionContext: { 'k}]': '[{,"\\' } }, resources: [{ ARN: 'arn:aws:kms:eu-west-1:111122223333:key/1' }] },
  { eventID: 'b', userAgent: 'Grüße 日本 🔑', errorMessage: 'quote " and \\" inside', list: [[1, [2]], {}, []] },
  'a string record',
  42,
  null,
];
const document = `\uFEFF{ "Other": {"Records": [9]},\r\n "Records" : [ ${records.map((r) => JSON.stringify(r)).join(' ,\n')} ] , "Last": "x" }\n`;

describe('splitting a CloudTrail log document into its records', () => {
  it('finds every element of Records and the other members, whole', () => {
    const { elements, frame } = split(document);
    expect(elements).toEqual(records);
    expect(frame.recordsStreamed).toBe(true);
    expect([...frame.members.keys()]).toEqual(['Other', 'Last']);
    expect(JSON.parse(frame.members.get('Other')?.text ?? '')).toEqual({ Records: [9] });
  });

  it('gives the same records however the bytes are cut: at every single byte, and one byte at a time', () => {
    const bytes = Buffer.from(document, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) expect(split(bytes, [cut]).elements).toEqual(records);
    expect(split(bytes, Array.from({ length: bytes.length }, (_, i) => i)).elements).toEqual(records);
  });

  it('reads an empty Records array and a document whose Records is not an array (for the schema to judge)', () => {
    expect(split('{"Records": []}')).toEqual({ elements: [], frame: { recordsStreamed: true, members: new Map() } });
    const { elements, frame } = split('{"records": [1], "Records": {"a": 1}}');
    expect(elements).toEqual([]);
    expect(frame.recordsStreamed).toBe(false);
    expect(frame.members.get('Records')?.text).toBe('{"a": 1}');
    expect(split(' [1, 2] ').frame.notAnObject).toEqual({ text: '[1, 2]', start: { line: 1, column: 2, byte: 1 } });
  });

  it.each([
    ['{"Records": [1, ]}', "expected a record (Records[1]) after the comma, but found ']' at line 1, column 17 (byte 16)"],
    ['{"Records": [,1]}', "expected a record (Records[0]) or the end of Records, but found ',' at line 1, column 14 (byte 13)"],
    ['{"Records": [1 2]}', "expected a comma or the end of Records after Records[0], but found '2' at line 1, column 16 (byte 15)"],
    ['{"Records": [], }', "expected a member name after the comma, but found '}' at line 1, column 17 (byte 16)"],
    ['{Records: []}', "expected a member name or the end of the document, but found 'R' at line 1, column 2 (byte 1)"],
    ['{"Records": [] "Other": 1}', 'expected a comma or the end of the document after the member "Records", but found \'"\' at line 1, column 16 (byte 15)'],
    ['{"Records": []} {}', "unexpected '{' after the end of the JSON document at line 1, column 17 (byte 16)"],
    // What S3 answers instead of a log (an error page) is named at its first byte, not at the first word after a space.
    ['<?xml version="1.0"?><Error><Code>AccessDenied</Code></Error>', 'expected a JSON document ({"Records": [...]}), but found \'<\' at line 1, column 1 (byte 0)'],
    ['\n  Not Found', 'expected a JSON document ({"Records": [...]}), but found \'N\' at line 2, column 3 (byte 3)'],
    ['{"Records" []}', 'expected a colon after the member name "Records", but found \'[\' at line 1, column 12 (byte 11)'],
    ['{"Records": [], \u0001}', 'expected a member name after the comma, but found a control character (U+0001) at line 1, column 17 (byte 16)'],
    ['{"Rec\\qords": []}', "in a member name, an escape inside a string that JSON does not have (a backslash before 'q') at line 1, column 6 (byte 5)"],
    ['{"Records": [], "Records": []}', 'has two Records members: which one is the log?'],
    // The file ending before its JSON does: where, and inside what.
    ['{"Records": [{"eventID": "a"}, {"eventID": ', 'the JSON document is cut short: the file ends inside Records[1] at line 1, column 44 (byte 43)'],
    ['{"Records": [{"eventID": "a"}', 'the JSON document is cut short: the file ends inside its Records array at line 1, column 30 (byte 29)'],
    ['{"Records": [],\n "Other": {"a": ', 'the JSON document is cut short: the file ends inside the member "Other" at line 2, column 17 (byte 32)'],
    ['{"Records": [], "Oth', 'the JSON document is cut short: the file ends inside a member name at line 1, column 21 (byte 20)'],
    ['{"Records": []', 'the JSON document is cut short: the file ends at line 1, column 15 (byte 14)'],
    ['', 'the file is empty'],
    ['  \n ', 'the file holds no JSON, only 4 bytes of white space'],
  ])('names what is wrong with the document in a sentence, and where: %j', (doc, message) => {
    expect(failure(doc).message).toBe(message);
  });

  it('counts lines, and columns in characters (not bytes, nor the byte order mark), however the bytes are cut', () => {
    const doc = Buffer.from('\uFEFF{"Records": [\r\n  {"userAgent": "Grüße 日本 🔑"},\n  {"b": 1}\n]}\n    x', 'utf8');
    const expected = `unexpected 'x' after the end of the JSON document at line 5, column 5 (byte ${doc.length - 1})`;
    for (let cut = 0; cut <= doc.length; cut++) expect(failure(doc, [cut]).message).toBe(expected);
    expect(failure(doc, Array.from({ length: doc.length }, (_, i) => i)).message).toBe(expected);
    expect(failure('{"Records": [{"userAgent": "日本"} 1]}').message).toBe("expected a comma or the end of Records after Records[0], but found '1' at line 1, column 34 (byte 37)");
  });

  it('tells each record where it starts, for a fault JSON.parse finds in it to be placed in the file', () => {
    const starts: unknown[] = [];
    const splitter = new RecordsSplitter((element) => starts.push(element.start));
    splitter.push(Buffer.from('{"Records": [\n  {"a": "é"},\n  {"b": 1}, 7]}'));
    splitter.end();
    expect(starts).toEqual([
      { line: 2, column: 3, byte: 16 },
      { line: 3, column: 3, byte: 31 },
      { line: 3, column: 13, byte: 41 },
    ]);
  });

  it('hands a malformed record on as text, for JSON.parse to refuse with its own words', () => {
    const texts: string[] = [];
    const splitter = new RecordsSplitter((element) => texts.push(element.text));
    splitter.push(Buffer.from('{"Records": [{"a": tru}, {"b": 1,}]}'));
    splitter.end();
    expect(texts).toEqual(['{"a": tru}', '{"b": 1,}']);
    expect(() => JSON.parse(texts[1] as string)).toThrow(SyntaxError);
  });
});
