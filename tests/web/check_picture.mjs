// Checks another viewer's picture of the leg (f3d's, say) as view_glb.mjs checks model-viewer's:
// drawn, upright, coloured.   node check_picture.mjs PICTURE.png [--no-foot]
import { readFile } from 'node:fs/promises';
import { checkLeg, decodePng } from './picture.mjs';

const args = process.argv.slice(2);
const footCheck = !args.includes('--no-foot');
const file = args.find((a) => !a.startsWith('--'));
if (!file) { console.error('usage: node check_picture.mjs PICTURE.png [--no-foot]'); process.exit(2); }
const { problems } = checkLeg(decodePng(await readFile(file)), { footCheck, name: file });
for (const p of problems) console.log(`  FAILED: ${p}`);
process.exit(problems.length ? 1 : 0);
