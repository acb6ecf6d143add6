// Shows a glb in <model-viewer> (three.js) in Debian's headless Chromium, as a web page would, and
// checks what a viewer sees: the model is drawn (not blank), stands upright (taller than wide,
// the foot at the bottom), and is coloured (tissue colours, not a white blob). Writes the picture.
//   node view_glb.mjs FILE.glb OUT.png [--orbit "90deg 90deg auto"] [--no-foot]
//   node view_glb.mjs FILE.glb OUT.png --plays [--times 0,0.5,1]
// Exit 0 when every check holds, 1 when one fails (each printed), 2 for bad usage or no browser.
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedPixels, frames, launch, modelLoaded, pageWithErrors } from './browser.mjs';
import { checkLeg, decodePng } from './picture.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const orbitAt = args.indexOf('--orbit');
const orbit = orbitAt >= 0 ? args.splice(orbitAt, 2)[1] : '90deg 90deg auto';
// seen from behind or in front the foot is no wider than the knee: the foot check is for side views
const noFootAt = args.indexOf('--no-foot');
const footCheck = noFootAt < 0;
if (!footCheck) args.splice(noFootAt, 1);
// --plays: the file's animation plays (two pictures a second apart differ); --times T,T,...: the
// animation paused at those times (s), one picture each (OUT with -T before .png)
const playsAt = args.indexOf('--plays');
const plays = playsAt >= 0;
if (plays) args.splice(playsAt, 1);
const timesAt = args.indexOf('--times');
const times = timesAt >= 0 ? args.splice(timesAt, 2)[1].split(',').map(Number) : [];
const [glb, out] = args;
if (!glb || !out) {
  console.error('usage: node view_glb.mjs FILE.glb OUT.png [--orbit "THETA PHI RADIUS"]');
  process.exit(2);
}

const page_html = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>self.ModelViewerElement = { meshoptDecoderLocation: '/meshopt_decoder.js' };</script>
<script type="module" src="/model-viewer.min.js"></script>
<style>html,body{margin:0;background:#ffffff} model-viewer{width:480px;height:720px;background:#ffffff;--poster-color:#ffffff}</style>
</head><body><model-viewer id="mv" src="/model.glb" camera-orbit="${orbit}" environment-image="neutral"
 shadow-intensity="0" interaction-prompt="none" disable-zoom ${plays || times.length ? 'autoplay' : ''}><div slot="progress-bar"></div></model-viewer></body></html>`;
const files = {
  '/': ['text/html', Buffer.from(page_html)],
  '/model-viewer.min.js': ['text/javascript', await readFile(path.join(here, 'node_modules/@google/model-viewer/dist/model-viewer.min.js'))],
  '/model.glb': ['model/gltf-binary', await readFile(glb)],
  '/meshopt_decoder.js': ['text/javascript', await readFile(path.join(here, 'node_modules/meshoptimizer/meshopt_decoder.js'))],
};
const server = createServer((req, res) => {
  const f = files[req.url.split('?')[0]];
  if (!f) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': f[0], 'content-length': f[1].length });
  res.end(f[1]);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launch();
const problems = [];
try {
  const console_errors = [];
  const page = await pageWithErrors(browser, { width: 480, height: 720 }, console_errors);
  await page.goto(url);
  const loaded = await modelLoaded(page, 'mv', 60000);
  if (loaded !== 'load') problems.push(`model-viewer did not load the file (${loaded})`);
  await frames(page, 10);  // the first draw
  const shoot = async () => page.locator('#mv').screenshot();
  if (plays || times.length) {
    const info = await page.evaluate(() => { const mv = document.getElementById('mv'); return { names: mv.availableAnimations, duration: mv.duration }; });
    console.log(`${glb}: animations ${JSON.stringify(info.names)}, ${info.duration.toFixed(2)} s`);
    if (!info.names.length) problems.push('the file holds no animation');
  }
  if (plays) {
    // the animation plays by itself: pictures a second apart differ in the leg
    const a = decodePng(await shoot());
    await page.waitForTimeout(1000);
    await frames(page, 2);
    const b = decodePng(await shoot());
    const changed = changedPixels(a, b);
    console.log(`${glb}: ${changed} pixels changed over a second of playing`);
    if (changed < 50) problems.push(`the animation does not play: ${changed} pixels changed in a second`);
  }
  for (const t of times) {
    await page.evaluate((at) => { const mv = document.getElementById('mv'); mv.pause(); mv.currentTime = at; }, t);
    await frames(page, 4);
    await writeFile(out.replace(/\.png$/, `-${t}.png`), await shoot());
  }
  if (times.length) await page.evaluate(() => { const mv = document.getElementById('mv'); mv.pause(); mv.currentTime = 0; });
  await frames(page, 4);
  const png = await shoot();
  await writeFile(out, png);
  const c = checkLeg(decodePng(png), { footCheck, name: `${glb} in model-viewer -> ${out}` });
  problems.push(...c.problems);
  // see-through skin: the muscles and the veins under it show
  if (c.red < 0.05 * c.drawn) problems.push("no muscle shows: under 5% of the leg's pixels are red");
  if (c.blue < 0.002 * c.drawn) problems.push('no vein shows: no blue pixels');
  for (const e of console_errors) problems.push(`console error: ${e}`);
} finally {
  await browser.close();
  server.close();
}
for (const p of problems) console.log(`  FAILED: ${p}`);
process.exit(problems.length ? 1 : 0);
