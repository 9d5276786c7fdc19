#!/usr/bin/env node
// The page in a real browser: starts `qingling serve --demo` on 127.0.0.1,
// drives Debian's Chromium through playwright-core along the life of a
// problem (lifecycle.mjs), and checks every page on the way (checks.mjs).
//
//   node tests/browser/run.mjs --qingling build/dev/web/qingling --screenshots /tmp/shots
//       [--chromium /usr/bin/chromium] [--headed]
//
// playwright-core and axe-core come from web/node_modules (`npm ci` in web/).
// Exits 0 when every step and check passed, 1 otherwise, saying what failed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { QinglingServer, withTimeout } from './server.mjs';
import { Findings, PageWatcher, checkPage, kDesktop } from './checks.mjs';
import { lifecycle } from './lifecycle.mjs';

const kWholeRunMs = 8 * 60 * 1000;
const kStepMs = 90 * 1000;

const here = path.dirname(fileURLToPath(import.meta.url));
const requireWeb = createRequire(new URL('../../web/package.json', import.meta.url));

function options() {
  const { values } = parseArgs({
    options: {
      qingling: { type: 'string' },
      screenshots: { type: 'string' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
      headed: { type: 'boolean', default: false },
    },
  });
  if (!values.qingling || !values.screenshots) {
    console.error('usage: node run.mjs --qingling PATH --screenshots DIR [--chromium PATH] [--headed]');
    process.exit(2);
  }
  return values;
}

function loadPlaywright() {
  try {
    return { playwright: requireWeb('playwright-core'), axePath: requireWeb.resolve('axe-core/axe.min.js') };
  } catch (e) {
    console.error(
      `cannot load playwright-core or axe-core from web/node_modules: run \`npm ci\` in web/ (${e.message})`,
    );
    process.exit(1);
  }
}

async function main() {
  const args = options();
  const { playwright, axePath } = loadPlaywright();
  if (!fs.existsSync(args.chromium)) {
    console.error(
      `FAIL: no Chromium at ${args.chromium} (Debian: apt-get install chromium; or pass --chromium PATH)`,
    );
    process.exit(1);
  }
  const shots = path.resolve(args.screenshots);
  fs.mkdirSync(shots, { recursive: true });

  const findings = new Findings();
  const server = new QinglingServer(path.resolve(args.qingling));
  let browser = null;
  process.on('exit', () => server.killNow());
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.killNow();
      process.exit(1);
    });
  }
  const watchdog = setTimeout(() => {
    console.error(`FAIL: the browser test did not finish within ${kWholeRunMs / 60000} minutes`);
    server.killNow();
    process.exit(1);
  }, kWholeRunMs);

  let failed = null;
  try {
    const base = await server.start();
    console.log(`qingling at ${base}`);
    browser = await withTimeout(
      playwright.chromium.launch({ executablePath: args.chromium, headless: !args.headed }),
      60_000,
      `${args.chromium} did not start`,
    );
    const context = await browser.newContext({ viewport: kDesktop, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(30_000);
    const watcher = new PageWatcher(page, findings, base);
    await watcher.install();

    const t = {
      page,
      base,
      watcher,
      data: (name) => path.join(here, 'data', name),
      check: (name) => checkPage(page, name, { axePath, shots, findings }),
      step: async (name, body) => {
        watcher.where = name;
        try {
          const result = await withTimeout(body(), kStepMs, `step "${name}" did not finish`);
          console.log(`ok - ${name}`);
          return result;
        } catch (e) {
          console.log(`not ok - ${name}`);
          await page.screenshot({ path: path.join(shots, 'failure.png'), fullPage: true }).catch(() => {});
          throw e;
        }
      },
    };
    await lifecycle(t);
  } catch (e) {
    failed = e;
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
    await server.stop();
  }

  if (failed) {
    console.error(`FAIL: ${failed.stack || failed.message}`);
    if (server.log()) console.error(`--- qingling's output ---\n${server.log().slice(-4000)}`);
  }
  for (const finding of findings.items) console.error(`FAIL: ${finding}`);
  console.log(`screenshots in ${shots}`);
  if (failed || findings.items.length > 0) process.exit(1);
  console.log('PASS: the browser lifecycle test');
}

main();
