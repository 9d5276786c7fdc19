// The life of one problem, walked through the page by the people who touch
// it: an inspector logs it with a photo, a supervisor assigns it, the
// responsible unit reports progress, adds evidence and asks for clearance,
// the inspector sends it back, the unit asks again, the inspector clears
// it; the battle map's figures follow. Every page is checked on the way.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { checkPage, settle } from './checks.mjs';

// Demo users (rules/packs/chengchuan/seed/inspection.yaml); every demo
// password is the same.
const kPassword = 'qingling-demo';
const kInspector = { name: 'inspector', display: '赵明轩' };
const kSupervisor = { name: 'supervisor', display: '陈若华' };
const kResponsible = { name: 'responsible', display: '刘春燕' };
// 鹤湾县 › 龙塘乡: where the problem is, and the unit of the demo user "responsible".
const kCounty = 'cc.c06';
const kTownship = 'cc.c06.t03';

export async function lifecycle(t) {
  const { page, base, data } = t;
  const title = `浏览器验收：村道临水路段护栏缺失 ${Date.now()}`;
  let id;

  await t.step('the sign-in page shows and restores nothing without a session', async () => {
    // A page loaded while signed out asks for its session and hears 401.
    t.watcher.allowAlways([/^GET \/api\/v1\/session 401$/]);
    await page.goto(`${base}/`);
    await page.locator('#sign-in-name').waitFor();
    await t.check('sign-in');
  });

  await t.step('the language toggle switches to English and back, and is remembered', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await page.getByRole('button', { name: '切换到中文' }).click();
    await page.getByRole('heading', { name: /登录/ }).waitFor();
  });

  await t.step('a wrong password shows an error and does not sign in', async () => {
    await t.watcher.expecting([/^POST \/api\/v1\/session 401$/], async () => {
      await page.fill('#sign-in-name', kInspector.name);
      await page.fill('#sign-in-password', 'not-the-password');
      await page.getByRole('button', { name: '登录' }).click();
      await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    });
    assert.equal(await page.locator('.user-name').count(), 0, 'no one is signed in');
  });

  await t.step('repeated failures for one name are refused for a while (429)', async () => {
    await t.watcher.expecting([/^POST \/api\/v1\/session (401|429)$/], async () => {
      await page.fill('#sign-in-name', 'no-such-user');
      for (let attempt = 0; attempt < 10; attempt++) {
        await page.fill('#sign-in-password', `guess-${attempt}`);
        const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/session'));
        await page.getByRole('button', { name: '登录' }).click();
        if ((await answer).status() === 429) break;
      }
      await page.getByRole('alert').filter({ hasText: '登录失败次数过多' }).waitFor();
    });
  });

  const before = await t.step('the battle map shows the supervisor the city', async () => {
    await signIn(t, kSupervisor);
    assert.match(page.url(), /#\/map$/, 'a supervisor lands on the battle map');
    await t.check('battle-map');
    return readFigures(page);
  });

  await t.step('the session survives a reload', async () => {
    await page.reload();
    await page.locator('.user-name').filter({ hasText: kSupervisor.display }).waitFor();
    await page.locator('[data-figure="total"]').waitFor();
  });

  await t.step('the battle map drills down from the city to a county and a township', async () => {
    await page.locator(`a.tile[data-unit="${kCounty}"]`).click();
    await page.getByRole('heading', { name: /鹤湾县/ }).waitFor();
    await page.locator(`a.tile[data-unit="${kTownship}"]`).click();
    await page.getByRole('heading', { name: /龙塘乡/ }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: '单位层级' }).innerText();
    assert.match(crumbs, /澄川市[\s\S]*鹤湾县[\s\S]*龙塘乡/, 'breadcrumbs name the way down');
    await page.getByRole('navigation', { name: '单位层级' }).getByRole('link', { name: '澄川市' }).click();
    await page.getByRole('heading', { name: /挂图作战 · 澄川市/ }).waitFor();
  });

  await t.step('the ledger export downloads as a spreadsheet', async () => {
    const link = page.getByRole('link', { name: '导出台账（Excel）' });
    const answer = await page.request.get(new URL(await link.getAttribute('href'), base).href);
    assert.equal(answer.status(), 200);
    assert.match(answer.headers()['content-type'], /spreadsheetml/);
  });

  await t.step('the weekly report renders, for the last week and the week before', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '周报' }).click();
    await page.locator('article.report').waitFor();
    const week = await page.locator('#report-week').inputValue();
    assert.match(week, /^\d{4}-W\d{2}$/);
    const [year, number] = week.split('-W').map(Number);
    const earlier = number > 1 ? `${year}-W${String(number - 1).padStart(2, '0')}` : `${year - 1}-W52`;
    await page.fill('#report-week', earlier);
    await page.getByRole('button', { name: '查看' }).click();
    await page.getByRole('heading', { name: new RegExp(earlier) }).waitFor();
    await t.check('report');
    await signOut(t);
  });

  await t.step(
    'an inspector logs a problem with a photo; a retry after a lost answer logs it once',
    async () => {
      await signIn(t, kInspector);
      assert.match(page.url(), /#\/log$/, 'an inspector lands on the quick log');
      await t.check('quick-log');
      await page.fill('#log-title', title);
      await page.selectOption('#log-category', 'C');
      await page.selectOption('#log-severity', 'serious');
      await pickUnit(page, 'log-unit', ['cc', kCounty, kTownship]);
      await page.fill('#log-description', '龙塘乡下坝村村道临水路段约50米护栏缺失，存在安全隐患。');
      await page.setInputFiles('.quick-log input[type="file"]', data('site-photo.png'));
      await page.locator('.previews img').waitFor();

      // The first answer is lost on the way back: the problem is logged, the
      // page hears nothing. Pressing the button again must not log it twice.
      let lost = false;
      await page.route('**/api/v1/issues', async (route) => {
        if (route.request().method() !== 'POST' || lost) return route.continue();
        lost = true;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await t.watcher.expecting([/^POST \/api\/v1\/issues net::ERR_CONNECTION_RESET$/], async () => {
        await page.getByRole('button', { name: '登记问题' }).click();
        await page.getByRole('alert').filter({ hasText: '网络中断' }).waitFor();
      });
      await page.unroute('**/api/v1/issues');
      await page.getByRole('button', { name: '登记问题' }).click();
      const view = page.locator('[data-issue]');
      await view.waitFor();
      id = Number(await view.getAttribute('data-issue'));
      assert.ok(id > 0);
      await view.click();
      await issueState(page, '待交办');
      await page.locator('.gallery img').first().waitFor();
      await page.waitForFunction(() => document.querySelector('.gallery img').naturalWidth > 0);

      await page.goto(`${base}/#/issues?q=${encodeURIComponent(title)}`);
      await settle(page);
      assert.equal(await page.locator('table.issues tbody tr').count(), 1, 'the retry logged nothing new');
    },
  );

  await t.step('a write without the CSRF token is refused', async () => {
    const status = await t.watcher.expecting([/^POST \/api\/v1\/issues 403$/], () =>
      page.evaluate(async () => {
        const answer = await fetch('/api/v1/issues', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ title: 'no token', category: 'C' }),
        });
        return answer.status;
      }),
    );
    assert.equal(status, 403);
    await signOut(t);
  });

  await t.step('the supervisor sees one more open problem and assigns it (交办)', async () => {
    await signIn(t, kSupervisor);
    const now = await readFigures(page);
    assert.equal(now.total, before.total + 1, 'total grows by one');
    assert.equal(now.open, before.open + 1, 'open grows by one');
    assert.equal(now.cleared, before.cleared, 'cleared does not change');

    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '问题清单' }).click();
    await page.fill('#f-q', title);
    await page.getByRole('button', { name: '筛选', exact: true }).click();
    await page.getByRole('link', { name: title }).click();
    await issueState(page, '待交办');
    await takeAction(page, 'assign', async () => {
      await pickUnit(page, 'action-assign-responsible_unit', ['cc', kCounty, kTownship]);
      await page.fill('#action-assign-measures', '设置波形护栏，增设警示标志。');
    });
    await issueState(page, '整改中');
    const deadline = await page.locator('[data-deadline]').getAttribute('data-deadline');
    assert.match(deadline, /^\d{4}-\d{2}-\d{2}$/, 'assigning sets a deadline');
    await page.getByText('时限依据').waitFor();
    await t.check('issue');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '问题清单' }).click();
    await t.check('issues');
    // Ordered by the server: soonest deadline first, over every page.
    await page.selectOption('#f-sort', 'deadline');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/sort=deadline/);
    await page.locator('table.issues tbody tr').first().waitFor();
    const deadlines = await page.locator('table.issues tbody tr td:nth-child(4)').allInnerTexts();
    const dates = deadlines.map((d) => d.trim().slice(0, 10)).filter((d) => /^\d{4}-/.test(d));
    assert.ok(dates.length > 10, 'the first page lists deadlines');
    assert.deepEqual(dates, [...dates].sort(), 'soonest deadline first');
    await signOut(t);
  });

  await t.step('the responsible unit reports progress, adds evidence and asks for clearance', async () => {
    await signIn(t, kResponsible);
    assert.match(page.url(), /#\/tasks$/, 'a responsible unit lands on its tasks');
    await page.getByRole('link', { name: title }).waitFor();
    await t.check('tasks');
    await page.getByRole('link', { name: title }).click();
    await settle(page);
    await takeAction(page, 'progress', () =>
      page.fill('#action-progress-comment', '已采购护栏材料，本周施工。'),
    );
    await page.getByText('已采购护栏材料').first().waitFor();

    const gallery = page.locator('.gallery li');
    const photos = await gallery.count();
    await page.setInputFiles('.dropzone input[type="file"][capture]', data('after-photo.png'));
    await page.getByText('已上传 1 个文件').waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('.gallery li').length === n + 1, photos);

    await submitForClearance(page, '护栏已安装完毕，附整改后照片。');
    await signOut(t);
  });

  await t.step('the inspector sends it back (退回)', async () => {
    await signIn(t, kInspector);
    await page.goto(`${base}/#/issues/${id}`);
    await issueState(page, '申请销号');
    await takeAction(page, 'reject', async () => {
      await page.fill('#action-reject-comment', '警示标志未设置，请补充。');
      await page.fill('#action-reject-requirements', '增设警示标志两处。');
    });
    await issueState(page, '整改中');
    await signOut(t);
  });

  await t.step('the responsible unit drops a photo on the page and asks for clearance again', async () => {
    await signIn(t, kResponsible);
    await page.getByRole('link', { name: title }).click();
    await settle(page);
    const photos = await page.locator('.gallery li').count();
    await dropFile(page, '.dropzone', data('sign-photo.png'), 'warning-sign.png');
    await page.waitForFunction((n) => document.querySelectorAll('.gallery li').length === n + 1, photos);
    await page.locator('.gallery-name', { hasText: 'warning-sign.png' }).waitFor();
    await submitForClearance(page, '警示标志已补设。');
    await signOut(t);
  });

  await t.step('the inspector clears it (验收销号)', async () => {
    await signIn(t, kInspector);
    await page.goto(`${base}/#/issues/${id}`);
    await issueState(page, '申请销号');
    await takeAction(page, 'verify', () =>
      page.fill('#action-verify-opinion', '现场复核，护栏与警示标志均已到位。'),
    );
    await issueState(page, '已销号');
    const history = await page.locator('.timeline').innerText();
    for (const label of ['登记问题', '交办', '整改进展', '申请销号', '退回', '验收销号']) {
      assert.ok(history.includes(label), `the history shows ${label}`);
    }
    await signOut(t);
  });

  await t.step('the battle map counts it cleared', async () => {
    await signIn(t, kSupervisor);
    const after = await readFigures(page);
    assert.equal(after.total, before.total + 1, 'total is one more than at the start');
    assert.equal(after.cleared, before.cleared + 1, 'cleared is one more than at the start');
    assert.equal(after.open, before.open, 'open is back where it started');
    assert.notEqual(after.rateText, before.rateText, 'the clearance rate moved');
    await signOut(t);
  });
}

async function signIn(t, user) {
  const { page } = t;
  await page.locator('#sign-in-name').waitFor();
  await page.fill('#sign-in-name', user.name);
  await page.fill('#sign-in-password', kPassword);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.user-name').filter({ hasText: user.display }).waitFor();
  await page.waitForURL(/#\/(map|tasks|log|issues)$/);
  await settle(page);
}

async function signOut(t) {
  await t.page.getByRole('button', { name: '退出登录' }).click();
  await t.page.locator('#sign-in-name').waitFor();
}

// The headline figures of the battle map, as numbers.
async function readFigures(page) {
  await page.goto(new URL('/#/map', page.url()).href);
  await page.locator('[data-figure="total"]').waitFor();
  const text = async (key) => (await page.locator(`[data-figure="${key}"]`).innerText()).trim();
  const count = async (key) => Number((await text(key)).replace(/[^\d]/g, ''));
  return {
    total: await count('total'),
    cleared: await count('cleared'),
    open: await count('open'),
    rateText: await text('clearance_rate'),
  };
}

// Chooses a unit level by level in a unit picker: its first <select> has
// the picker's id, the next ones `<id>-1`, `<id>-2`, ...
async function pickUnit(page, id, codes) {
  for (const [i, code] of codes.entries()) {
    const select = i === 0 ? `#${id}` : `#${id}-${i}`;
    await page.locator(`${select} option[value="${code}"]`).waitFor({ state: 'attached' });
    await page.selectOption(select, code);
  }
}

// Drops a file on `selector` as a file manager would (drag and drop).
async function dropFile(page, selector, file, name) {
  const bytes = [...fs.readFileSync(file)];
  const transfer = await page.evaluateHandle(
    ([bytes, name]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      return transfer;
    },
    [bytes, name],
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
}

async function issueState(page, label) {
  await page.locator('.issue-status .state').filter({ hasText: label }).waitFor();
}

async function takeAction(page, action, fill) {
  await page.locator(`button[data-action="${action}"]`).click();
  await page.locator(`#action-${action}`).waitFor();
  await fill();
  await page.locator(`#action-${action} button[type="submit"]`).click();
  await page.locator('.actions-panel [role="status"]').filter({ hasText: '已完成' }).waitFor();
}

async function submitForClearance(page, comment) {
  await takeAction(page, 'submit', async () => {
    await page.fill('#action-submit-comment', comment);
    await page.check('#action-submit-head_confirmed');
  });
  await issueState(page, '申请销号');
}
