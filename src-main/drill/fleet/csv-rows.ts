/**
 * CSV as spreadsheets and inventory exports write it (RFC 4180): comma-separated fields — or
 * semicolons or tabs, as spreadsheets in many locales save "CSV", taken from the first line when
 * it has no comma — a field in
 * double quotes may hold commas, line breaks and "" for a quote; CRLF, LF or CR line ends (Excel's
 * "CSV (Macintosh)" ends lines with CR alone); a UTF-8 byte
 * order mark is dropped. Each row keeps the line it starts on, so a problem names its line. Blank
 * lines and lines starting with '#' (comments) are skipped.
 */
export interface CsvRow {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  /** `column`: the field's place in its row, from 1. */
  constructor(readonly line: number, readonly column: number, message: string) {
    super(message);
  }
}

export function csvRows(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const bomless = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // A CR alone ends a line as LF does (CRLF is read as it is).
  const src = bomless.includes('\r') ? bomless.replace(/\r(?!\n)/g, '\n') : bomless;
  const sep = separatorOf(src);
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    // A comment or blank line, outside any quoted field.
    if (src[i] === '#' || src[i] === '\n' || (src[i] === '\r' && src[i + 1] === '\n')) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? src.length : end + 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    // Spaces around a quoted field (`a, "b, c" ,d`, as written by hand) are not part of it.
    const blank = (ch: string | undefined) => ch === ' ' || (ch === '\t' && sep !== '\t');
    for (;;) {
      let field = '';
      let q = i;
      while (blank(src[q])) q++;
      if (src[q] === '"') i = q;
      if (src[i] === '"') {
        i++;
        for (;;) {
          if (i >= src.length) throw new CsvSyntaxError(start, fields.length + 1, `a quoted field opened on line ${start} is never closed`);
          const ch = src[i] as string;
          if (ch === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        while (blank(src[i])) i++;
        if (i < src.length && src[i] !== sep && src[i] !== '\n' && !(src[i] === '\r' && src[i + 1] === '\n')) {
          throw new CsvSyntaxError(line, fields.length + 1, `text after a closing quote: a quoted field ends at a ${sep === ',' ? 'comma' : sep === ';' ? 'semicolon' : 'tab'} or the end of the line`);
        }
      } else {
        while (i < src.length && src[i] !== sep && src[i] !== '\n' && !(src[i] === '\r' && src[i + 1] === '\n')) {
          if (src[i] === '"') throw new CsvSyntaxError(line, fields.length + 1, 'a quote inside an unquoted field: quote the whole field and write the quote as ""');
          field += src[i];
          i++;
        }
      }
      fields.push(field.trim());
      if (src[i] === sep) {
        i++;
        continue;
      }
      // The end of the row: a line end (LF or CRLF) or the end of the text.
      if (src[i] === '\r') i++;
      if (src[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    rows.push({ line: start, fields });
  }
  return rows;
}

/** The separator of the first line that is not a comment: a comma, else a semicolon, else a tab. */
function separatorOf(src: string): string {
  let header = '';
  for (let from = 0; from < src.length && header.trim() === '';) {
    const end = src.indexOf('\n', from);
    const line = src.slice(from, end < 0 ? src.length : end);
    if (!line.startsWith('#')) header = line;
    from = end < 0 ? src.length : end + 1;
  }
  return header.includes(',') ? ',' : header.includes(';') ? ';' : header.includes('\t') ? '\t' : ',';
}
