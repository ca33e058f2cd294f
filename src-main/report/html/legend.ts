import { hatchFill, hatchPattern, type Hatched } from '../svg/hatch';
import { html, type Html } from './html-template';

/**
 * A chart legend in HTML, below the SVG, so long labels wrap instead of overflowing the drawing.
 * A hatched item's swatch is a small SVG striped as its bars are (`idPrefix`-N: its pattern's id),
 * a solid one a CSS square.
 */
export function legend(items: readonly ({ label: string } & Hatched)[], idPrefix = 'legend'): Html {
  if (items.length === 0) return html``;
  return html`<ul class="legend">${items.map((item, i) => (!item.hatch || item.hatch === 'solid'
    ? html`<li style="--swatch: ${item.colour}">${item.label}</li>`
    : html`<li class="hatched"><svg class="swatch" viewBox="0 0 12 12" aria-hidden="true"><defs>${hatchPattern(`${idPrefix}-${i}`, item)}</defs><rect width="12" height="12" rx="2" fill="${hatchFill(`${idPrefix}-${i}`, item)}"/></svg>${item.label}</li>`))}</ul>`;
}
