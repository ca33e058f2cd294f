/**
 * A strict little XML reader for tests: elements, attributes, text, comments, the XML declaration
 * and the five predefined entities plus numeric references. It throws on anything malformed
 * (unclosed or mismatched tags, bad attribute syntax, a stray '<' or '&'), so a test that reads a
 * file with it has also checked that the file is well-formed.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /[A-Za-z_][\w.-]*/y;

export function parseXml(source: string): XmlElement {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`XML: ${what} at offset ${i}: ${JSON.stringify(source.slice(i, i + 40))}`);
  };
  const decode = (raw: string): string => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) fail('a bare < or & in text');
    return raw.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (named[e]) return named[e] as string;
      return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    });
  };
  const skipMisc = (): void => {
    for (;;) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      ws.exec(source);
      i = ws.lastIndex;
      if (source.startsWith('<?', i)) i = source.indexOf('?>', i) + 2 || fail('an unclosed declaration');
      else if (source.startsWith('<!--', i)) i = source.indexOf('-->', i) + 3 || fail('an unclosed comment');
      else return;
    }
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(source);
    if (!m) fail('a name was expected');
    i = NAME.lastIndex;
    return (m as RegExpExecArray)[0];
  };
  const element = (): XmlElement => {
    if (source[i] !== '<') fail('an element was expected');
    i++;
    const el: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      const ws = /\s*/y;
      ws.lastIndex = i;
      ws.exec(source);
      const spaced = ws.lastIndex > i;
      i = ws.lastIndex;
      if (source.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (source[i] === '>') {
        i++;
        break;
      }
      if (!spaced) fail('whitespace before an attribute was expected');
      const attr = readName();
      if (source[i] !== '=' || source[i + 1] !== '"') fail(`attribute ${attr} needs ="…"`);
      const end = source.indexOf('"', i + 2);
      if (end < 0) fail('an unclosed attribute value');
      if (attr in el.attributes) fail(`attribute ${attr} twice`);
      el.attributes[attr] = decode(source.slice(i + 2, end));
      i = end + 1;
    }
    for (;;) {
      const next = source.indexOf('<', i);
      if (next < 0) fail(`element ${el.name} is not closed`);
      el.text += decode(source.slice(i, next));
      i = next;
      if (source.startsWith('<!--', i)) {
        i = source.indexOf('-->', i) + 3 || fail('an unclosed comment');
      } else if (source.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        if (source[i] !== '>') fail('> was expected');
        i++;
        return el;
      } else el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== source.length) fail('content after the root element');
  return root;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
