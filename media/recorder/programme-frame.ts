/**
 * The programme picture: whatever a source sends (any size, any aspect) is fitted into one fixed
 * I420 frame, letterboxed on black, so the encoder sees a single stream however often the
 * programme switches source. Nearest-neighbour sampling: cheap, and a meeting picture needs no
 * better at the sizes involved.
 */

/** A packed I420 picture (Y plane, then U, then V; chroma planes rounded up). */
export interface I420Picture {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Bytes of a packed I420 picture of this size. */
export function i420Size(width: number, height: number): number {
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  return width * height + 2 * cw * ch;
}

/** A black I420 picture (Y 16, U and V 128: video-range black). */
export function blackI420(width: number, height: number): Buffer {
  const out = Buffer.alloc(i420Size(width, height), 128);
  out.fill(16, 0, width * height);
  return out;
}

/** Where a source lands in the programme frame: its scaled size and offset (even numbers). */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The largest placement of a `sw`×`sh` source inside `dw`×`dh` that keeps its aspect, centred. */
export function fitPlacement(sw: number, sh: number, dw: number, dh: number): Placement {
  if (sw <= 0 || sh <= 0) return { x: 0, y: 0, width: 0, height: 0 };
  const scale = Math.min(dw / sw, dh / sh);
  const width = Math.min(dw, Math.max(2, Math.round((sw * scale) / 2) * 2));
  const height = Math.min(dh, Math.max(2, Math.round((sh * scale) / 2) * 2));
  const x = Math.floor((dw - width) / 4) * 2;
  const y = Math.floor((dh - height) / 4) * 2;
  return { x, y, width, height };
}

/**
 * Draws `src` fitted into `dst` (a packed I420 buffer of `dw`×`dh`, even sizes), black around it.
 * @throws Error when a buffer is shorter than its declared size.
 */
export function fitI420(src: I420Picture, dst: Uint8Array, dw: number, dh: number): void {
  if (src.data.length < i420Size(src.width, src.height)) {
    throw new Error(`source picture too short for ${src.width}x${src.height}`);
  }
  if (dst.length < i420Size(dw, dh)) throw new Error(`target too short for ${dw}x${dh}`);
  const p = fitPlacement(src.width, src.height, dw, dh);
  const full = p.width === dw && p.height === dh;
  if (!full) {
    dst.fill(16, 0, dw * dh);
    dst.fill(128, dw * dh, i420Size(dw, dh));
  }
  if (p.width === 0) return;
  const sw = src.width;
  const sh = src.height;
  const scw = (sw + 1) >> 1;
  const sch = (sh + 1) >> 1;
  const dcw = dw >> 1;
  const dch = dh >> 1;
  // Column lookup tables, computed once per frame.
  const lumaCols = new Int32Array(p.width);
  for (let i = 0; i < p.width; i++) lumaCols[i] = Math.min(sw - 1, Math.floor((i * sw) / p.width));
  const chromaW = p.width >> 1;
  const chromaCols = new Int32Array(chromaW);
  for (let i = 0; i < chromaW; i++) {
    chromaCols[i] = Math.min(scw - 1, Math.floor((i * scw) / chromaW));
  }
  const s = src.data;
  for (let row = 0; row < p.height; row++) {
    const sy = Math.min(sh - 1, Math.floor((row * sh) / p.height));
    const srcRow = sy * sw;
    const dstRow = (p.y + row) * dw + p.x;
    for (let i = 0; i < p.width; i++)
      dst[dstRow + i] = s[srcRow + (lumaCols[i] as number)] as number;
  }
  const chromaH = p.height >> 1;
  const srcU = sw * sh;
  const srcV = srcU + scw * sch;
  const dstU = dw * dh;
  const dstV = dstU + dcw * dch;
  const cx = p.x >> 1;
  const cy = p.y >> 1;
  for (let row = 0; row < chromaH; row++) {
    const sy = Math.min(sch - 1, Math.floor((row * sch) / chromaH));
    const so = sy * scw;
    const dOff = (cy + row) * dcw + cx;
    for (let i = 0; i < chromaW; i++) {
      const col = chromaCols[i] as number;
      dst[dstU + dOff + i] = s[srcU + so + col] as number;
      dst[dstV + dOff + i] = s[srcV + so + col] as number;
    }
  }
}
