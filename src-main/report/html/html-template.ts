/**
 * HTML built with a tagged template that escapes every interpolated value unless it is already
 * `Html`. Scenario text is user input and ends up in an auditor's browser, so escaping is the
 * default rather than something each call site has to remember.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'number') {
    // A NaN or Infinity in an SVG coordinate silently breaks the drawing; fail loudly instead.
    if (!Number.isFinite(value)) throw new Error(`a report value is not a finite number: ${value}`);
    return String(value);
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] as string);
  return new Html(out);
}

/** Markup that is already safe (built by this module's callers from constants), passed through as is. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue = ''): Html {
  const sep = render(separator);
  return new Html(parts.map(render).join(sep));
}

/** A value for an `id` attribute: HTML ids may not contain whitespace. */
export function idFragment(text: string): string {
  return text.replace(/\s+/g, '_');
}
