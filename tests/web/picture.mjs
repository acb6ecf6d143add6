// What a viewer's picture holds, for the web tests: a PNG decoder (8-bit greyscale, RGB or RGBA,
// not interlaced: what Chromium and f3d write) and the checks that a leg is drawn, upright and
// coloured. The background is the colour of the picture's top-left corner.
import { inflateSync } from 'node:zlib';

export function decodePng(buf) {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG file');
  let at = 8, width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  const idat = [];
  while (at < buf.length) {
    const len = buf.readUInt32BE(at), kind = buf.toString('latin1', at + 4, at + 8), data = buf.subarray(at + 8, at + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4); depth = data[8]; type = data[9]; interlace = data[12];
    } else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    at += 12 + len;
  }
  const channels = { 0: 1, 2: 3, 6: 4 }[type];
  if (depth !== 8 || !channels || interlace) throw new Error(`PNG of depth ${depth}, colour type ${type}, interlace ${interlace}: not read here`);
  const raw = inflateSync(Buffer.concat(idat)), stride = width * channels, rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride), line = new Uint8Array(stride);
  for (let y = 0; y < height; ++y) {
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; ++i) {
      const a = i >= channels ? line[i - channels] : 0, b = prev[i], c = i >= channels ? prev[i - channels] : 0;
      let p = 0;
      if (f === 1) p = a; else if (f === 2) p = b; else if (f === 3) p = (a + b) >> 1;
      else if (f === 4) { const e = a + b - c, pa = Math.abs(e - a), pb = Math.abs(e - b), pc = Math.abs(e - c); p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c; }
      line[i] = (src[i] + p) & 255;
    }
    for (let x = 0; x < width; ++x) {
      const o = 4 * (y * width + x), s = x * channels;
      rgba[o] = line[s]; rgba[o + 1] = line[s + (channels > 1 ? 1 : 0)]; rgba[o + 2] = line[s + (channels > 1 ? 2 : 0)];
      rgba[o + 3] = channels === 4 ? line[s + 3] : 255;
    }
    [prev, line] = [line, prev];
  }
  return { width, height, rgba };
}

// measures the picture and returns the failed checks (empty when the leg reads right)
export function checkLeg(img, { footCheck = true, name = '' } = {}) {
  const { width, height, rgba: d } = img;
  const bg = [d[0], d[1], d[2]];
  let x0 = width, x1 = -1, y0 = height, y1 = -1, n = 0, coloured = 0, red = 0, blue = 0;
  const rowWidth = new Array(height).fill(0);
  for (let y = 0; y < height; ++y)
    for (let x = 0; x < width; ++x) {
      const i = 4 * (y * width + x), r = d[i], g = d[i + 1], b = d[i + 2];
      if (Math.abs(r - bg[0]) + Math.abs(g - bg[1]) + Math.abs(b - bg[2]) < 24) continue;  // background
      ++n; ++rowWidth[y];
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      const mx = Math.max(r, g, b), mn = Math.min(r, g, b);
      if (mx > 0 && (mx - mn) / mx > 0.15) ++coloured;
      if (r > g + 20 && r > b + 20) ++red;
      if (b > r + 20) ++blue;
    }
  const bh = Math.max(y1 - y0 + 1, 0), bw = Math.max(x1 - x0 + 1, 0);
  const band = (a, b) => { let m = 0; for (let y = Math.floor(y0 + a * bh); y < y0 + b * bh; ++y) m = Math.max(m, rowWidth[y] ?? 0); return m; };
  const foot = band(0.9, 1.0), calf = band(0.4, 0.6), top = band(0.0, 0.1);
  const fraction = n / (width * height);
  console.log(`${name}: drawn ${(100 * fraction).toFixed(1)}% of the picture, box ${bw}x${bh} px, ` +
              `${(100 * coloured / Math.max(n, 1)).toFixed(0)}% of it coloured (red ${red}, blue ${blue} px), ` +
              `widest row near the foot ${foot} px, calf ${calf} px, top ${top} px`);
  const problems = [];
  if (fraction < 0.03) problems.push('the picture is blank: under 3% of it is drawn');
  if (!(bh > 1.6 * bw)) problems.push(`the leg does not stand upright: its box is ${bw} wide and ${bh} high`);
  if (footCheck && !(foot > top && foot > calf))
    problems.push("the foot is not at the bottom (the widest rows, seen from the side, should be the foot's)");
  if (coloured < 0.3 * n) problems.push('the leg is not coloured: under 30% of its pixels have colour');
  return { problems, red, blue, drawn: n };
}
