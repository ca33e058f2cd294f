import { describe, expect, it } from 'vitest';
import { DocumentSyntaxError, RecordsSplitter, type DocumentFrame } from '../../src-main/audit/records-splitter';

/** The elements and frame of `doc` when its bytes arrive cut at `cuts`. */
function split(doc: string | Buffer, cuts: number[] = []): { elements: unknown[]; frame: DocumentFrame } {
  const bytes = typeof doc === 'string' ? Buffer.from(doc, 'utf8') : doc;
  const elements: unknown[] = [];
  const splitter = new RecordsSplitter((text, index) => {
    expect(index).toBe(elements.length);
    elements.push(JSON.parse(text));
  });
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    splitter.push(bytes.subarray(at, cut));
    at = cut;
  }
  return { elements, frame: splitter.end() };
}

function failure(doc: string): DocumentSyntaxError {
  try {
    split(doc);
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
    expect(JSON.parse(frame.members.get('Other') as string)).toEqual({ Records: [9] });
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
    expect(frame.members.get('Records')).toBe('{"a": 1}');
    expect(split(' [1, 2] ').frame.notAnObject).toBe('[1, 2]');
  });

  it('names what is wrong with the frame, and where', () => {
    expect(failure('{"Records": [1, ]}').message).toBe("unexpected ']' at byte 16, where Records[1] should be");
    expect(failure('{"Records": [1 2]}').message).toBe("unexpected '2' at byte 15, where a comma or the end of Records after Records[0] should be");
    expect(failure('{"Records": [], }').message).toBe("unexpected '}' at byte 16, where the name of a member after a comma should be");
    expect(failure('{"Records": []} {}').message).toBe("unexpected '{' at byte 16, where nothing more: the document has ended should be");
    expect(failure('{"Records" []}').message).toBe('unexpected \'[\' at byte 11, where a colon after the member name "Records" should be');
    expect(failure('{"Records": [], "Records": []}').message).toBe('has two Records members: which one is the log?');
    expect(failure('{"Records": [{"eventID": "a"}, {"eventID": ').message).toBe('the file ends before its JSON does inside Records[1] (after 43 bytes)');
    expect(failure('{"Records": [{"eventID": "a"}').message).toBe('the file ends before its JSON does inside its Records array (after 29 bytes)');
    expect(failure('').message).toBe('the file is empty');
    expect(failure('  \n ').message).toBe('the file holds no JSON, only 4 bytes of white space');
  });

  it('hands a malformed record on as text, for JSON.parse to refuse with its own words', () => {
    const texts: string[] = [];
    const splitter = new RecordsSplitter((text) => texts.push(text));
    splitter.push(Buffer.from('{"Records": [{"a": tru}, {"b": 1,}]}'));
    splitter.end();
    expect(texts).toEqual(['{"a": tru}', '{"b": 1,}']);
    expect(() => JSON.parse(texts[1] as string)).toThrow(SyntaxError);
  });
});
