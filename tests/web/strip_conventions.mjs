// The negative control of view_glb.mjs: rewrites a glb the way a writer that ignores glTF's
// conventions would have written it (no root turn to +Y up, materials without colour), so the
// test can show that the viewer check fails such a file.
//   node strip_conventions.mjs IN.glb OUT.glb
import { readFile, writeFile } from 'node:fs/promises';

const [input, output] = process.argv.slice(2);
const b = await readFile(input);
const jsonLength = b.readUInt32LE(12);
const doc = JSON.parse(b.subarray(20, 20 + jsonLength).toString('utf8'));
for (const n of doc.nodes ?? []) delete n.rotation;
for (const m of doc.materials ?? []) {
  delete m.pbrMetallicRoughness;
  delete m.alphaMode;
  delete m.doubleSided;
}
let text = JSON.stringify(doc);
while (text.length % 4) text += ' ';
const rest = b.subarray(20 + jsonLength);
const head = Buffer.alloc(20);
head.writeUInt32LE(0x46546c67, 0);
head.writeUInt32LE(2, 4);
head.writeUInt32LE(20 + text.length + rest.length, 8);
head.writeUInt32LE(text.length, 12);
head.writeUInt32LE(0x4e4f534a, 16);
await writeFile(output, Buffer.concat([head, Buffer.from(text, 'utf8'), rest]));
