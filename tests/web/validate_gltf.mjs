// The Khronos glTF-Validator over CalfPump's glTF files: prints every message and exits 1 when a
// file has an error or a warning (information and hints are printed, and allowed).
//   node validate_gltf.mjs FILE.glb...
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import validator from 'gltf-validator';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node validate_gltf.mjs FILE.glb...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  const bytes = new Uint8Array(await readFile(file));
  const report = await validator.validateBytes(bytes, {
    uri: path.basename(file),
    maxIssues: 0,
    externalResourceFunction: (uri) => Promise.reject(new Error(`external resource ${uri}: CalfPump's files are self-contained`)),
  });
  const n = report.issues;
  console.log(`${file}: ${n.numErrors} errors, ${n.numWarnings} warnings, ${n.numInfos} infos, ${n.numHints} hints` +
              ` (glTF-Validator ${report.validatorVersion})`);
  const severity = ['error', 'warning', 'info', 'hint'];
  // errors and warnings in full; information and hints counted by code, with the first place
  const counted = new Map();
  let shown = 0;
  for (const m of n.messages) {
    if (m.severity <= 1 && ++shown > 40) continue;  // the first 40 errors and warnings in full
    if (m.severity <= 1) { console.log(`  ${severity[m.severity]} ${m.code} at ${m.pointer ?? m.offset ?? ''}: ${m.message}`); continue; }
    const key = `${severity[m.severity]} ${m.code}`;
    if (!counted.has(key)) counted.set(key, { count: 0, first: `${m.pointer ?? m.offset ?? ''}: ${m.message}` });
    ++counted.get(key).count;
  }
  if (shown > 40) console.log(`  ... and ${shown - 40} more errors and warnings`);
  for (const [key, c] of counted) console.log(`  ${key} x${c.count}, first at ${c.first}`);
  if (n.numErrors > 0 || n.numWarnings > 0) failed = true;
}
process.exit(failed ? 1 : 0);
