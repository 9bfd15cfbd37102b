// Opens fleetsim HTML reports in headless Chromium and checks that each renders: no network
// request, no console error, a page of the expected height, every chart drawn and visible, and a
// screenshot that is not blank. Usage: node check.mjs SCREENSHOT.png REPORT.html...
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [screenshot, ...reports] = process.argv.slice(2);
let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed += 1;
    console.log(`ok: ${what}`);
  } else {
    failed += 1;
    console.log(`FAILED: ${what}`);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// A policy study's page (its argument prefixed "study:") is shorter: one chart, two tables.
const entries = reports.map((r) => (r.startsWith('study:') ? [r.slice(6), true] : [r, false]));
reports.splice(0, reports.length, ...entries.filter(([, s]) => !s).map(([r]) => r));
for (const [i, [report, study]] of entries.entries()) {
  const name = path.basename(path.dirname(report));
  const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
  const errors = [];
  const requests = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // A self-contained page asks for nothing but itself.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(path.resolve(report)).href, { waitUntil: 'load' });
  const facts = await page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    title: document.querySelector('h1')?.textContent ?? '',
    figures: document.querySelectorAll('figure').length,
    drawn: [...document.querySelectorAll('figure svg')].filter((s) => {
      const b = s.getBoundingClientRect();
      return b.width > 600 && b.height > 200 && s.querySelectorAll('text').length > 5;
    }).length,
    tables: document.querySelectorAll('table').length,
  }));
  check(errors.length === 0, `${name}: no console errors ${errors.length ? JSON.stringify(errors) : ''}`);
  check(requests.length === 0, `${name}: no network requests ${requests.length ? JSON.stringify(requests) : ''}`);
  check(facts.title.length > 0, `${name}: title "${facts.title}"`);
  check(facts.figures >= (study ? 1 : 5) && facts.drawn === facts.figures,
    `${name}: ${facts.drawn} of ${facts.figures} charts drawn at full size with their text`);
  check(facts.tables >= (study ? 2 : 4), `${name}: ${facts.tables} tables`);
  const tall = study ? 1500 : 4000;
  check(facts.height > tall, `${name}: page height ${facts.height} px (expected > ${tall})`);
  const shot = i === 0 ? screenshot : path.join(path.dirname(screenshot), `.${name}.png`);
  await page.screenshot({ path: shot });
  const png = PNG.sync.read(fs.readFileSync(shot));
  let ink = 0;
  const colours = new Set();
  for (let p = 0; p < png.data.length; p += 4) {
    const [r, g, b] = [png.data[p], png.data[p + 1], png.data[p + 2]];
    if (r + g + b < 700) ink += 1;
    colours.add((r << 16) | (g << 8) | b);
  }
  const share = ink / (png.width * png.height);
  check(png.width === 1200 && png.height === 1600 && share > 0.02 && colours.size > 50,
    `${name}: screenshot ${png.width}x${png.height}, ${(share * 100).toFixed(1)} % ink, ${colours.size} colours`);
  if (i !== 0) fs.unlinkSync(shot);
  await page.close();
}
// The batch index beside the reports: it opens cleanly and links every report it was given.
const index = path.join(path.dirname(path.dirname(path.resolve(entries[0][0]))), 'index.html');
if (fs.existsSync(index)) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
  const links = await page.evaluate(() =>
    [...document.querySelectorAll('a[href$="report.html"]')].map((a) => a.href));
  const targets = links.map((l) => new URL(l).pathname);
  const wanted = entries.map(([r]) => path.resolve(r));
  check(errors.length === 0, `index: no console errors ${errors.length ? JSON.stringify(errors) : ''}`);
  check(wanted.every((r) => targets.includes(r)) && targets.every((t) => fs.existsSync(t)),
    `index: links ${targets.length} reports, all present`);
  await page.close();
}
await browser.close();
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
