// The page `calfpump export --html DIR` writes, served by a plain static file server on localhost
// and loaded in Debian's headless Chromium: the animation plays (two pictures a second apart
// differ), the leg is upright and coloured, a caption shows and follows the language menu (right to
// left for Arabic), pause stops the picture, and the console has no errors. The pinned
// model-viewer URL is answered with the npm package's copy of the same version, so the page's
// integrity hash is checked against that package; the pinned meshopt decoder likewise.
//   node page_test.mjs DIR OUT_PREFIX
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changedPixels, frames, launch, modelLoaded, pageWithErrors } from './browser.mjs';
import { checkLeg, decodePng } from './picture.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const [dir, prefix] = process.argv.slice(2);
if (!dir || !prefix) { console.error('usage: node page_test.mjs DIR OUT_PREFIX'); process.exit(2); }

const types = { '.html': 'text/html; charset=utf-8', '.glb': 'model/gltf-binary', '.png': 'image/png', '.js': 'text/javascript' };
const server = createServer(async (req, res) => {
  const name = decodeURIComponent(req.url.split('?')[0]);
  const file = path.join(dir, name === '/' ? 'index.html' : name);
  if (!file.startsWith(path.resolve(dir)) || !existsSync(file)) { res.writeHead(404); res.end(); return; }
  const body = await readFile(file);
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(body);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/`;
const pinned = await readFile(path.join(here, 'node_modules/@google/model-viewer/dist/model-viewer.min.js'));
const decoder = await readFile(path.join(here, 'node_modules/meshoptimizer/meshopt_decoder.js'));

const browser = await launch();
const problems = [];
try {
  const errors = [];
  const page = await pageWithErrors(browser, { width: 900, height: 1100 }, errors);
  // the network is closed: the pinned CDN URL is answered with the package's file, anything else refused
  await page.route(/^https?:\/\//, (route) => {
    const u = route.request().url();
    if (u.startsWith(url)) return route.continue();
    if (u.includes('/@google/model-viewer@4.4.0/') && u.endsWith('/model-viewer.min.js'))
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: pinned, headers: { 'access-control-allow-origin': '*' } });
    if (u.includes('/meshoptimizer@0.18.1/') && u.endsWith('/meshopt_decoder.js'))
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: decoder, headers: { 'access-control-allow-origin': '*' } });
    errors.push(`the page fetched ${u}`);
    return route.abort();
  });
  await page.goto(url);
  const loaded = await modelLoaded(page, 'leg');
  if (loaded !== 'load') problems.push(`the clip did not load (${loaded})`);
  const shoot = async () => decodePng(await page.locator('#leg').screenshot());
  const differ = changedPixels;
  // it plays by itself
  await frames(page, 5);
  const a = await shoot();
  await page.waitForTimeout(1000);
  await frames(page, 2);
  const b = await shoot();
  const moved = differ(a, b);
  console.log(`${dir}: ${moved} pixels changed over a second of playing`);
  if (moved < 50) problems.push(`the animation does not play: ${moved} pixels changed in a second`);
  // a caption at a time that has one, in each language of the menu
  const info = await page.evaluate(() => {
    const data = JSON.parse(document.getElementById('calfpump-data').textContent);
    return { langs: [...document.getElementById('language').options].map((o) => o.value), captions: data.captions };
  });
  await page.click('#play');  // pause
  const paused = await page.evaluate(() => document.getElementById('leg').paused);
  if (!paused) problems.push('the button did not pause the animation');
  if (info.captions.length) {
    const c = info.captions[0];
    await page.evaluate((t) => { const mv = document.getElementById('leg'); mv.currentTime = t; }, (c.start + c.end) / 2);
    for (const lang of info.langs) {
      await page.selectOption('#language', lang);
      await frames(page, 3);
      const shown = await page.evaluate(() => ({ text: document.getElementById('caption').textContent, dir: document.documentElement.dir,
                                                 lang: document.documentElement.lang, play: document.getElementById('play').textContent }));
      const want = c.text[lang] ?? c.text.en;
      console.log(`  ${lang} (${shown.dir}): "${shown.text}"; button "${shown.play}"`);
      if (shown.text !== want) problems.push(`in ${lang} the caption reads "${shown.text}", not "${want}"`);
      if (shown.lang !== lang) problems.push(`the page's language is ${shown.lang}, not ${lang}`);
      if ((lang === 'ar') !== (shown.dir === 'rtl')) problems.push(`${lang} is written ${shown.dir}`);
    }
    await page.selectOption('#language', info.langs[0]);
  } else {
    console.log('  (the clip has no captions)');
  }
  // paused, the picture holds still; then the leg as it stands
  await frames(page, 3);
  const p1 = await shoot();
  await page.waitForTimeout(500);
  const p2 = await shoot();
  if (differ(p1, p2) > 0) problems.push(`paused, the picture still changes (${differ(p1, p2)} pixels)`);
  const full = await page.screenshot({ fullPage: true });
  await writeFile(`${prefix}-page.png`, full);
  const still = await page.locator('#leg').screenshot();
  await writeFile(`${prefix}-leg.png`, still);
  problems.push(...checkLeg(decodePng(still), { footCheck: false, name: `${dir} -> ${prefix}-leg.png` }).problems);
  for (const e of errors) problems.push(`console error: ${e}`);
} finally {
  await browser.close();
  server.close();
}
for (const p of problems) console.log(`  FAILED: ${p}`);
process.exit(problems.length ? 1 : 0);
