// The vote, end to end: staff set up a ballot through the API (a round
// with two candidates, shortlisted, rules set, moved to the vote and
// opened) in Haishu, where the demo runs the voting scene; a deputy on a
// 375-px phone finds it waiting, chooses on each candidate through the
// scene's pages, confirms what they chose and gets the receipt; staff
// close and publish; the published result answers anyone, and its page
// shows the per-candidate votes and the chain head, signed in and, at its
// public address, in a browser with no session. Called by run.mjs.

const scene = 'renda.livelihood-voting'

// api calls a scene route as the signed-in user of page, with the CSRF
// header the session's cookie asks for.
async function api(page, base, method, path, body) {
  const cookies = await page.context().cookies()
  const csrf = cookies.find((c) => c.name === 'renda_csrf')?.value ?? ''
  const r = await page.request.fetch(`${base}/api/v1/t/haishu/scenes/${scene}${path}`, {
    method, data: body, headers: { 'X-Renda-CSRF': csrf, 'Content-Type': 'application/json' },
  })
  if (!r.ok()) throw new Error(`${method} ${path}: ${r.status()} ${await r.text()}`)
  return r.status() === 204 ? null : r.json()
}

async function noOverflow(page, what) {
  if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) throw new Error(`${what} is wider than 375 px`)
}

// voteSteps runs the steps; dp is the deputy's phone page (lixiuying,
// signed in), sp the staff's page (haishu-staff, signed in).
export async function voteSteps({ base, step, dp, sp }) {
  const year = new Date().getFullYear() + 5 // the demo's own round is next year's
  const title = `海曙区${year}年民生实事项目（端到端测试）`
  let roundID = ''
  let receipt = ''

  await step('09-deputy-ballot', dp, async () => {
    const scenes = await (await sp.request.get(`${base}/api/v1/t/haishu/scene-pages`)).json()
    if (!scenes.items.some((s) => s.id === scene)) throw new Error('the demo does not run the voting scene in Haishu')
    const rd = await api(sp, base, 'POST', '/rounds', { year, title, plan: { session_date: `${year}-01-10`, deliver_by: `${year}-12-31` } })
    roundID = rd.id
    const ids = []
    for (const [t, dept, budget] of [['背街小巷路灯补缺', '区城管局', '800000.00'], ['社区口袋公园', '区住建局', '2400000.00']]) {
      const c = await api(sp, base, 'POST', `/rounds/${roundID}/candidates`, { source: 'department', title: t, description: `${t}，惠及周边居民。`, department: dept, budget })
      ids.push(c.id)
    }
    await api(sp, base, 'POST', `/rounds/${roundID}/phase`, { to: 'review' })
    await api(sp, base, 'POST', `/rounds/${roundID}/shortlist`, { included: ids })
    await api(sp, base, 'PUT', `/rounds/${roundID}/ballot`, { mode: 'per_candidate', k: 0, pass: 'cast_majority', secret: true })
    await api(sp, base, 'POST', `/rounds/${roundID}/phase`, { to: 'voting' })
    await api(sp, base, 'POST', `/rounds/${roundID}/ballot/open`)

    // The deputy finds the ballot waiting on the phone and opens it.
    await dp.goto(`${base}/t/haishu/s/${scene}/ballots`)
    const card = dp.locator('.list-card', { hasText: title })
    await card.waitFor()
    await card.locator('[data-action="vote"]').click()
    const dialog = dp.locator('.action-dialog:visible')
    const rows = dialog.locator('.choice-row')
    await rows.nth(1).waitFor()
    if ((await rows.count()) !== 2) throw new Error(`the ballot shows ${await rows.count()} candidates, want 2`)
    await rows.nth(0).locator('[data-choice="approve"]').click()
    await rows.nth(1).locator('[data-choice="oppose"]').click()
    await noOverflow(dp, 'the ballot')
  })

  await step('09b-deputy-ballot-confirm', dp, async () => {
    const dialog = dp.locator('.action-dialog:visible')
    await dialog.locator('[data-confirm]').click()
    const review = dialog.locator('.review')
    await review.waitFor()
    const text = await review.innerText()
    if (!/背街小巷路灯补缺\s*赞成/.test(text) || !/社区口袋公园\s*反对/.test(text)) throw new Error(`the confirmation shows: ${text}`)
    await dialog.getByText('选票提交后不能更改').waitFor()
  })

  await step('09c-deputy-receipt', dp, async () => {
    await dp.locator('.action-dialog:visible [data-confirm]').click()
    const field = dp.locator('.result-dialog:visible [data-field="receipt"]')
    await field.waitFor()
    receipt = (await field.innerText()).trim()
    if (!/^[0-9a-f]{16,}$/.test(receipt)) throw new Error(`the receipt reads ${JSON.stringify(receipt)}`)
    await noOverflow(dp, 'the receipt')
    const turnout = await api(dp, base, 'GET', `/rounds/${roundID}/ballot/turnout`)
    if (!turnout.you_voted || turnout.voted !== 1) throw new Error(`turnout after the vote: ${JSON.stringify(turnout)}`)
  })

  await step('09d-published-result', dp, async () => {
    await api(sp, base, 'POST', `/rounds/${roundID}/ballot/close`)
    await api(sp, base, 'POST', `/rounds/${roundID}/result/publish`, { public: true })
    // Anyone may read the published result: no session, no cookie.
    const pub = await (await fetch(`${base}/api/v1/t/haishu/scenes/${scene}/public/rounds/${roundID}`)).json()
    if (!pub.result || pub.result.ballots !== 1) throw new Error(`the public result: ${JSON.stringify(pub)}`)
    const check = await api(dp, base, 'POST', `/rounds/${roundID}/ballot/receipt`, { receipt })
    if (!check.included || check.head !== pub.result.head) throw new Error(`the receipt check: ${JSON.stringify(check)}`)
    await dp.goto(`${base}/t/haishu/s/${scene}/public-result/${roundID}`)
    // on a phone the table is a list of cards
    await dp.locator('[data-table="result.candidates"] .table-cards').getByText('背街小巷路灯补缺').waitFor()
    await dp.locator('.detail-fields').getByText(pub.result.head).waitFor()
    await noOverflow(dp, 'the published result')
    // Staff see the page's public address beside it.
    await sp.goto(`${base}/t/haishu/s/${scene}/public-result/${roundID}`)
    const href = await sp.getByTestId('public-link').getAttribute('href')
    if (href !== `/p/haishu/scenes/${scene}/public-result/${roundID}`) throw new Error(`the public link is ${href}`)
  })

  // Anyone opens the published result: a fresh browser with no session
  // (no cookie at all) on a 375-px phone, at the public address.
  const anon = await dp.context().browser().newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  try {
    const ap = await anon.newPage()
    await step('09e-public-result-no-session', ap, async () => {
      await ap.goto(`${base}/p/haishu/scenes/${scene}/public-result/${roundID}`)
      await ap.locator('[data-table="result.candidates"] .table-cards').getByText('背街小巷路灯补缺').waitFor()
      await ap.getByText(title).first().waitFor()
      if (!ap.url().includes('/p/haishu/scenes/')) throw new Error(`sent to ${ap.url()}`)
      if ((await anon.cookies()).some((c) => c.name === 'renda_session')) throw new Error('the public page has a session')
      await noOverflow(ap, 'the public result')
    })
  } finally {
    await anon.close()
  }
}
