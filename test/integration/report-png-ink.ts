import { inflateSync } from 'node:zlib';

/**
 * A tiny PNG reader for chart screenshots (8-bit RGB or RGBA, not interlaced, as Chromium writes
 * them) and the measure the report tests use to tell a drawn chart from a blank one.
 */
export interface Pixels {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

export function decodePng(png: Buffer): Pixels {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, colour, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const current = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (current[i - channels] as number) : 0;
      const b = previous[i] as number;
      const c = i >= channels ? (previous[i - channels] as number) : 0;
      const x = line[i] as number;
      let value: number;
      switch (filter) {
        case 0: value = x; break;
        case 1: value = x + a; break;
        case 2: value = x + b; break;
        case 3: value = x + ((a + b) >> 1); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      current[i] = value & 0xff;
    }
    for (let px = 0; px < width; px++) {
      for (let ch = 0; ch < 4; ch++) out[(y * width + px) * 4 + ch] = ch < channels ? (current[px * channels + ch] as number) : 255;
    }
    previous = current;
  }
  return { width, height, data: out };
}

export interface Ink {
  /** Distinct RGB colours in the image. */
  colours: number;
  /** Share of pixels with a clear hue (series, markers, boxes): greys, white and anti-aliased text do not count. */
  chromatic: number;
}

/** How much the image holds beyond background, gridlines and grey text. */
export function ink(pixels: Pixels): Ink {
  const colours = new Set<number>();
  let chromatic = 0;
  const total = pixels.width * pixels.height;
  for (let i = 0; i < total; i++) {
    const r = pixels.data[i * 4] as number;
    const g = pixels.data[i * 4 + 1] as number;
    const b = pixels.data[i * 4 + 2] as number;
    colours.add((r << 16) | (g << 8) | b);
    if (Math.max(r, g, b) - Math.min(r, g, b) >= 48) chromatic++;
  }
  return { colours: colours.size, chromatic: total === 0 ? 0 : chromatic / total };
}

/** A chart counts as drawn when coloured marks cover a visible share of it in several shades. */
export function looksDrawn(i: Ink): boolean {
  return i.chromatic >= 0.002 && i.colours >= 8;
}
