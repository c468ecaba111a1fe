// End-to-end test of the web app in a real browser: Debian's chromium driven
// by playwright-core, against a real `renda serve --demo --dev` on the
// embedded SQLite store in a temporary folder, with the scenes built as
// `make run` builds them. Screenshots of every step go to
// test-results/e2e/ (git-ignored). Needs the UI built first (npm run build):
// the renda binary embeds it.
//
//   node e2e/run.mjs            (from api/web/app)
//   CHROMIUM=/path/to/chromium  (default /usr/bin/chromium)
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createServer } from 'node:net'
import { chromium } from 'playwright-core'
import { citywideSteps } from './citywide.mjs'
import { voteSteps } from './vote.mjs'

const app = resolve(import.meta.dirname, '..')
const root = process.env.E2E_ROOT ?? resolve(app, '../../..')
const shots = join(app, 'test-results', 'e2e')
const tmp = mkdtempSync(join(tmpdir(), 'renda-e2e-'))
const password = 'Renda@2026demo'
const results = []
const children = []

function log(...a) {
  console.log('[e2e]', ...a)
}

async function freePort() {
  return new Promise((res, rej) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => res(port))
    })
    s.on('error', rej)
  })
}

function build() {
  if (!existsSync(join(app, '..', 'dist', 'index.html'))) throw new Error('the UI is not built: run npm run build first')
  const go = process.env.GO ?? 'go'
  const bins = [['renda', './cmd/renda'], ['renda-noticeboard', './cmd/renda-noticeboard'], ['renda-issues', './cmd/renda-issues'], ['gridsim', './cmd/gridsim']]
  if (existsSync(join(root, 'cmd', 'renda-voting'))) bins.push(['renda-voting', './cmd/renda-voting'])
  for (const [name, pkg] of bins) {
    log('go build', pkg)
    execFileSync(go, ['build', '-o', join(tmp, 'bin', name), pkg], { cwd: root, stdio: 'inherit' })
  }
  return bins.map(([n]) => n)
}

function start(cmd, args, name) {
  const p = spawn(cmd, args, { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = []
  p.stdout.on('data', (d) => out.push(d))
  p.stderr.on('data', (d) => out.push(d))
  p.output = () => Buffer.concat(out).toString()
  p.label = name
  children.push(p)
  return p
}

async function waitReady(url, proc) {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`${proc.label} exited:\n${proc.output().slice(-3000)}`)
    try {
      const r = await fetch(url)
      if (r.ok) return
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not come up:\n${proc.output().slice(-3000)}`)
}

// step runs one part of the story and screenshots the page at its end (and
// on failure). A step that cannot run yet says so and is reported pending.
async function step(name, page, fn) {
  const t0 = Date.now()
  try {
    const r = await fn()
    const status = r === 'pending' ? 'pending' : 'passed'
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false })
    results.push({ name, status, ms: Date.now() - t0, note: typeof r === 'object' ? r.note : undefined })
    log(status, name)
  } catch (e) {
    await page.screenshot({ path: join(shots, `${name}-failed.png`), fullPage: true }).catch(() => {})
    results.push({ name, status: 'failed', ms: Date.now() - t0, error: String(e?.stack ?? e) })
    log('FAILED', name, e)
  }
}

async function login(page, base, tenant, username) {
  await page.goto(`${base}/login`)
  // the congress is chosen from a searchable list
  await page.getByTestId('login-tenant').waitFor()
  await page.locator('#login-tenant').click()
  await page.locator('#login-tenant').fill(tenant)
  await page.locator('.el-select-dropdown__item').filter({ hasText: tenant }).first().click()
  await page.locator('#login-username').fill(username)
  await page.locator('#login-password').fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL(new RegExp(`/t/${tenant}$`))
  await page.getByTestId('congress').waitFor()
}

// A 1×1 JPEG, the photo a deputy attaches.
const jpeg = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
)

async function main() {
  rmSync(shots, { recursive: true, force: true })
  mkdirSync(shots, { recursive: true })
  const built = build()
  const port = await freePort()
  const gridPort = await freePort()
  const base = `http://127.0.0.1:${port}`
  const bin = (n) => join(tmp, 'bin', n)
  start(bin('gridsim'), ['--addr', `127.0.0.1:${gridPort}`, '--api-key', 'demo-grid-key', '--accept-after', '2s', '--resolve-after', '4s', '--state', join(tmp, 'gridsim.json')], 'gridsim')
  const sceneArgs = built.filter((n) => n.startsWith('renda-')).flatMap((n) => ['--scene', bin(n)])
  const server = start(bin('renda'), ['serve', '--demo', '--dev', '--addr', `127.0.0.1:${port}`, '--database-url', `sqlite://${join(tmp, 'renda.db')}`,
    '--demo-grid', `http://127.0.0.1:${gridPort}`, ...sceneArgs], 'renda')
  await waitReady(`${base}/readyz`, server)
  log('renda is up at', base)

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
  const consoleErrors = []
  const watch = (page, who) => {
    page.on('pageerror', (e) => consoleErrors.push(`${who}: ${e.message}`))
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource/.test(m.text()) && consoleErrors.push(`${who}: ${m.text()}`))
  }
  try {
    // 1. City staff enable a scene for one district.
    const city = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
    const cp = await city.newPage()
    watch(cp, 'city')
    await step('01-city-login', cp, async () => {
      await login(cp, base, 'ningbo', 'admin')
      await cp.getByText('全市管理').first().waitFor()
    })
    await step('02-city-tenants', cp, async () => {
      await cp.goto(`${base}/t/ningbo/platform/tenants`)
      await cp.getByTestId('tenant-tree').getByText('海曙区').waitFor()
    })
    await step('03-city-enable-scene-for-jiangbei', cp, async () => {
      await cp.goto(`${base}/t/ningbo/platform/scenes`)
      await cp.getByRole('tab', { name: '批量开通' }).click()
      await cp.getByTestId('roll-scene').click()
      await cp.getByRole('option', { name: /renda\.notice-board/ }).click()
      await cp.getByTestId('roll-tenants').getByText('江北区').click()
      await cp.getByTestId('roll-enable').click()
      await cp.getByText('已为 1 个人大开通').waitFor()
      await cp.getByRole('tab', { name: '开通矩阵' }).click()
      const cell = cp.getByRole('button', { name: /江北区.* · 公告/ })
      await cell.waitFor()
      const text = (await cell.textContent()).trim()
      if (text === '—') throw new Error('the matrix does not show the scene enabled for Jiangbei')
    })

    // 2. A deputy files an issue with a photo on a 375-px phone.
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
      geolocation: { latitude: 29.871, longitude: 121.5478 }, permissions: ['geolocation'] })
    const dp = await phone.newPage()
    watch(dp, 'deputy')
    if (process.env.E2E_DEBUG) {
      dp.on('requestfinished', async (r) => log('REQ', r.method(), r.url(), (await r.response())?.status()))
      dp.on('requestfailed', (r) => log('REQFAIL', r.method(), r.url(), r.failure()?.errorText))
      dp.on('console', (m) => log('CONSOLE', m.type(), m.text()))
    }
    let issueURL = ''
    await step('04-deputy-home-375px', dp, async () => {
      await login(dp, base, 'haishu', 'lixiuying')
      await dp.getByText('等待您处理').waitFor()
      const overflow = await dp.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
      if (overflow) throw new Error('the home page is wider than 375 px')
    })
    await step('05-deputy-code', dp, async () => {
      await dp.goto(`${base}/t/haishu/me/code`)
      await dp.getByTestId('deputy-qr').waitFor()
    })
    await step('06-deputy-public-page', dp, async () => {
      await dp.getByRole('link', { name: '打开公开页面' }).click()
      await dp.getByTestId('deputy-name').waitFor()
    })
    await step('07-deputy-file-issue-with-photo', dp, async () => {
      const scenes = await (await dp.request.get(`${base}/api/v1/t/haishu/scene-pages`)).json()
      const issues = scenes.items.find((s) => s.id === 'renda.issue-supervision')
      const form = issues?.pages.find((p) => p.kind === 'form' && p.audience.includes('deputy'))
      if (!form) return 'pending' // issue supervision declares no deputy form page yet
      await dp.goto(`${base}/t/haishu/s/renda.issue-supervision/${form.id}`)
      await dp.locator('form.schema-form').waitFor()
      const radios = dp.locator('.el-radio')
      if (await radios.count()) await radios.first().click()
      else {
        await dp.locator('.el-select').first().click()
        await dp.locator('.el-select-dropdown__item').first().click()
      }
      await dp.locator('textarea').first().fill('台风过后中山西路行道树倒伏，压住人行道，请尽快处理。')
      await dp.getByRole('button', { name: '使用我的位置' }).click()
      await dp.locator('.map-preview .coords').waitFor()
      await dp.locator('input[type="file"]').first().setInputFiles({ name: 'tree.jpg', mimeType: 'image/jpeg', buffer: jpeg })
      await dp.locator('.thumbs img').first().waitFor()
      const address = dp.locator('.schema-address input')
      if (await address.count()) await address.fill('海曙区鼓楼街道中山西路')
      await dp.locator('form.schema-form button[type="submit"]').click()
      await dp.waitForURL(/\/s\/renda\.issue-supervision\/[^/]+\/[^/]+$/, { timeout: 15000 })
      issueURL = new URL(dp.url()).pathname
      await dp.locator('.detail-title').waitFor()
      const overflow = await dp.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
      if (overflow) throw new Error('the issue page is wider than 375 px')
    })

    // 3. Staff move it along.
    const staff = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
    const sp = await staff.newPage()
    watch(sp, 'staff')
    await step('08-staff-moves-issue', sp, async () => {
      await login(sp, base, 'haishu', 'haishu-staff')
      if (!issueURL) return 'pending'
      // The grid simulator moves the issue on by itself, so the page may
      // offer an action the issue has just outgrown: the API refuses it
      // (shown in the dialog), the page is reloaded and the next is tried.
      const timelineLength = () => sp.locator('.timeline .el-timeline-item').count()
      for (let attempt = 0; attempt < 4; attempt++) {
        await sp.goto(base + issueURL)
        await sp.locator('.detail-title').waitFor()
        const actions = sp.locator('.detail-actions button[data-action]')
        await actions.first().waitFor({ timeout: 20000 })
        const before = await timelineLength()
        const n = await actions.count()
        await actions.nth(attempt % n).click()
        const dialog = sp.locator('.action-dialog')
        if (await dialog.isVisible().catch(() => false)) {
          const ta = dialog.locator('textarea')
          if (await ta.count()) await ta.first().fill('已联系园林部门，今日清理。')
          await sp.locator('[data-confirm]').click()
        }
        // success is the API's answer to our call (the toast), not a step the
        // simulator added meanwhile
        const moved = await sp.locator('.el-message--success').filter({ hasText: '已完成' }).waitFor({ timeout: 8000 }).then(() => true, () => false)
        if (moved) {
          await sp.waitForFunction((k) => document.querySelectorAll('.timeline .el-timeline-item').length > k, before, { timeout: 8000 })
          return
        }
      }
      throw new Error('no action moved the issue on')
    })

    // 4. Vote in an open ballot.
    await voteSteps({ base, step, dp, sp })

    // 5. City staff see the issue figures across the districts.
    await citywideSteps({ base, step, browser, login })

    // Language switch: the same app in English.
    await step('10-english', sp, async () => {
      await sp.goto(`${base}/t/haishu`)
      await sp.locator('.lang-switch').click()
      await sp.getByText('Waiting for you').waitFor()
    })
  } finally {
    await browser.close()
  }
  if (consoleErrors.length) results.push({ name: 'no-browser-errors', status: 'failed', error: consoleErrors.join('\n') })
  else results.push({ name: 'no-browser-errors', status: 'passed' })
}

let code = 0
try {
  await main()
} catch (e) {
  console.error(e)
  code = 1
} finally {
  await Promise.all(children.map((c) => c.exitCode !== null ? null : new Promise((r) => { c.on('exit', r); c.kill('SIGTERM') })))
  for (const c of children) if (c.label === 'renda' && process.env.E2E_SERVER_LOG) writeFileSync(join(shots, 'renda.log'), c.output())
  rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
}
for (const r of results) {
  console.log(`${r.status.padEnd(7)} ${r.name}${r.ms ? ` (${r.ms} ms)` : ''}${r.error ? `\n        ${r.error.split('\n').slice(0, 6).join('\n        ')}` : ''}`)
}
const failed = results.filter((r) => r.status === 'failed').length
const passed = results.filter((r) => r.status === 'passed').length
const pending = results.filter((r) => r.status === 'pending').length
console.log(`e2e: screenshots in ${shots}`)
console.log(`${passed} passed, ${failed} failed, ${pending} skipped`)
process.exit(code || failed ? 1 : 0)
