#!/usr/bin/env node
// Generates the Teams app icons ONCE (they are committed): color.png 192x192 (white shield with a red check on
// party red) and outline.png 32x32 (the same emblem, white on transparent, as Teams requires).
// usage: node manifest/make-icons.js   (writes next to this script; no npm packages needed)
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) raw.set(pixel(x, y), y * (size * 4 + 1) + 1 + x * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// emblem geometry in unit coordinates u,v in [-1,1]
const shield = (u, v) => { const w = 0.62; if (v < -0.72 || v > 0.82) return false; if (v <= 0.15) return Math.abs(u) <= w; return Math.abs(u) <= w * Math.sqrt(Math.max(0, 1 - ((v - 0.15) / 0.67) ** 2)); };
const segDist = (u, v, [ax, ay], [bx, by]) => { const dx = bx - ax, dy = by - ay; const t = Math.max(0, Math.min(1, ((u - ax) * dx + (v - ay) * dy) / (dx * dx + dy * dy))); return Math.hypot(u - ax - t * dx, v - ay - t * dy); };
const check = (u, v, width) => Math.min(segDist(u, v, [-0.3, 0.02], [-0.08, 0.26]), segDist(u, v, [-0.08, 0.26], [0.33, -0.24])) <= width;
const inset = (f, d) => (u, v) => f(u, v) && [[d, 0], [-d, 0], [0, d], [0, -d]].every(([a, b]) => f(u + a, v + b));

function render(size, classify, margin) {
  const S = 4; // supersampling for smooth edges
  return png(size, (x, y) => {
    const acc = [0, 0, 0, 0];
    for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) {
      const u = ((x + (i + 0.5) / S) / size * 2 - 1) / margin, v = ((y + (j + 0.5) / S) / size * 2 - 1) / margin;
      const [r, g, b, a] = classify(u, v);
      acc[0] += r * a; acc[1] += g * a; acc[2] += b * a; acc[3] += a;
    }
    const a = acc[3] / (S * S);
    return a === 0 ? [0, 0, 0, 0] : [Math.round(acc[0] / acc[3]), Math.round(acc[1] / acc[3]), Math.round(acc[2] / acc[3]), Math.round(a)];
  });
}

const RED = [200, 16, 46], WHITE = [255, 255, 255];
const color = render(192, (u, v) => shield(u, v) ? (check(u, v, 0.085) ? [...RED, 255] : [...WHITE, 255]) : [...RED, 255], 0.8);
const ring = inset(shield, 0.16);
const outline = render(32, (u, v) => (shield(u, v) && !ring(u, v)) || check(u, v, 0.11) ? [...WHITE, 255] : [0, 0, 0, 0], 0.95);
fs.writeFileSync(path.join(__dirname, 'color.png'), color);
fs.writeFileSync(path.join(__dirname, 'outline.png'), outline);
console.log('wrote color.png (192x192) and outline.png (32x32)');
