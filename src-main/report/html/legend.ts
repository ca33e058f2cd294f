import { html, type Html } from './html-template';

/** A chart legend in HTML, below the SVG, so long labels wrap instead of overflowing the drawing. */
export function legend(items: readonly { label: string; colour: string }[]): Html {
  if (items.length === 0) return html``;
  return html`<ul class="legend">${items.map((i) => html`<li style="--swatch: ${i.colour}">${i.label}</li>`)}</ul>`;
}
