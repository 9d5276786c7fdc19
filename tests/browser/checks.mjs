// What every page must hold, whatever it shows: no script errors, no
// Content-Security-Policy violations, no error answers the step did not
// expect, no serious accessibility faults (axe-core), no sideways scrolling
// on a 375 px phone. Findings are collected and reported at the end.
import fs from 'node:fs';
import path from 'node:path';

export const kDesktop = { width: 1280, height: 800 };
export const kPhone = { width: 375, height: 812 };

export class Findings {
  constructor() {
    this.items = [];
  }

  add(kind, message) {
    this.items.push(`${kind}: ${message}`);
  }
}

// Watches one page: console errors, uncaught exceptions, CSP violations
// (reported from inside the page, see below), and every HTTP answer of 400
// or more that is not expected at that moment.
export class PageWatcher {
  constructor(page, findings, base) {
    this.page = page;
    this.findings = findings;
    this.base = base;
    this.allowed = [];
    this.where = 'start';

    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Chromium logs each failed load as a console error; those are judged
      // below by their response, where the request is known.
      if (message.text().startsWith('Failed to load resource')) return;
      findings.add('console error', `${this.where}: ${message.text()}`);
    });
    page.on('pageerror', (error) =>
      findings.add('page error', `${this.where}: ${error.stack || error.message}`),
    );
    page.on('response', (response) => {
      if (response.status() < 400) return;
      const request = response.request();
      const line = `${request.method()} ${new URL(response.url()).pathname} ${response.status()}`;
      if (!this.allowed.some((pattern) => pattern.test(line))) {
        findings.add('unexpected HTTP error', `${this.where}: ${line}`);
      }
    });
    page.on('requestfailed', (request) => {
      const line = `${request.method()} ${new URL(request.url()).pathname} ${request.failure()?.errorText}`;
      // A navigation cancels the loads of the page it leaves.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      if (!this.allowed.some((pattern) => pattern.test(line))) {
        findings.add('failed request', `${this.where}: ${line}`);
      }
    });
  }

  // Installs the CSP reporter into every document the page loads; it runs
  // before the page's own scripts and is not subject to the page's CSP.
  async install() {
    await this.page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(
          `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      });
    });
  }

  // Answers matching `patterns` ("METHOD /path STATUS", as regular
  // expressions) are expected while `step` runs.
  async expecting(patterns, step) {
    const before = this.allowed;
    this.allowed = [...before, ...patterns];
    try {
      return await step();
    } finally {
      this.allowed = before;
    }
  }

  // Answers matching `patterns` are expected from now on.
  allowAlways(patterns) {
    this.allowed = [...this.allowed, ...patterns];
  }
}

// Waits until the view has no "loading" line and the network is quiet.
export async function settle(page) {
  await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0, null, {
    timeout: 20_000,
  });
  await page.waitForLoadState('networkidle', { timeout: 20_000 }).catch(() => {});
}

const axeSource = (axePath) => fs.readFileSync(axePath, 'utf8');

// Runs axe-core in the page. The page's CSP refuses inline scripts, so axe
// is evaluated through the DevTools protocol instead of a <script> tag.
export async function axeCheck(page, axePath, name, findings) {
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource(axePath));
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  for (const v of violations) {
    const line = `${name}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(', ')}`;
    if (v.impact === 'serious' || v.impact === 'critical') findings.add('accessibility', line);
    else console.log(`  note: accessibility ${line}`);
  }
  return violations;
}

// Desktop (whole page and first screen) and phone screenshots, axe at both sizes, and the page body must
// fit 375 px without scrolling sideways. Leaves the page at desktop size.
export async function checkPage(page, name, { axePath, shots, findings }) {
  await settle(page);
  await axeCheck(page, axePath, `${name} (desktop)`, findings);
  await page.screenshot({ path: path.join(shots, `${name}-desktop.png`), fullPage: true });
  // What a desktop user sees first, without scrolling (README shows the battle map's).
  await page.screenshot({ path: path.join(shots, `${name}-desktop-screen.png`) });

  await page.setViewportSize(kPhone);
  await page.waitForTimeout(300); // let the chart follow the resize
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (width > kPhone.width) {
    const culprits = await page.evaluate((limit) => {
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-scroll'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
    }, kPhone.width);
    findings.add('phone layout', `${name}: page is ${width} px wide at 375 px (${culprits.join(', ')})`);
  }
  await axeCheck(page, axePath, `${name} (phone)`, findings);
  await page.screenshot({ path: path.join(shots, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(kDesktop);
}
