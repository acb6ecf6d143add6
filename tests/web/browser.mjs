// Debian's Chromium for the web tests: headless, WebGL on SwiftShader, no network of its own (the
// machine's is closed), a page's console errors collected; and a wait for the model-viewer on a
// page to load.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export async function launch() {
  const executablePath = process.env.CALFPUMP_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`no browser at ${executablePath} (Debian's chromium package; scripts/install-deps.sh installs it)`);
    process.exit(2);
  }
  return chromium.launch({
    executablePath, headless: true,
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
           '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// a new page whose console errors and uncaught exceptions land in `errors`
export async function pageWithErrors(browser, viewport, errors) {
  const page = await browser.newPage({ viewport });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return page;
}

// 'load', or why the model-viewer with this id did not load
export function modelLoaded(page, id, timeoutMs = 90000) {
  return page.evaluate(([which, ms]) => new Promise((ok) => {
    const mv = document.getElementById(which);
    if (mv.loaded) ok('load');
    mv.addEventListener('load', () => ok('load'));
    mv.addEventListener('error', (e) => ok('error: ' + JSON.stringify(e.detail?.type ?? e.detail)));
    setTimeout(() => ok('timeout'), ms);
  }), [id, timeoutMs]);
}

// waits for n animation frames
export function frames(page, n) {
  return page.evaluate((k) => new Promise((ok) => { let i = 0; const f = () => (++i > k ? ok() : requestAnimationFrame(f)); f(); }), n);
}

// pixels that differ by more than 24 in the sum of their channels between two decoded pictures
export function changedPixels(a, b) {
  let n = 0;
  for (let i = 0; i < a.rgba.length; i += 4)
    if (Math.abs(a.rgba[i] - b.rgba[i]) + Math.abs(a.rgba[i + 1] - b.rgba[i + 1]) + Math.abs(a.rgba[i + 2] - b.rgba[i + 2]) > 24) ++n;
  return n;
}
