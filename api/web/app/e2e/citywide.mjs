// City-wide figures in the browser: the city's administrator finds issue
// supervision running in a district and enables it for the city (the API
// gathers city-wide figures through the scene as the city runs it); then
// city staff open the city-wide issue dashboard and see the districts'
// figures, with a line per district.

export async function citywideSteps({ base, step, browser, login }) {
  const city = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
  const admin = await city.newPage()
  await step('11-city-enables-issue-figures', admin, async () => {
    await login(admin, base, 'ningbo', 'admin')
    await admin.goto(`${base}/t/ningbo/citywide`)
    const card = admin.locator('[data-scene="renda.issue-supervision"]')
    await card.waitFor()
    if (!(await card.textContent()).includes('海曙区')) throw new Error('the city-wide view does not say Haishu runs issue supervision')
    const enable = card.getByTestId('enable-here')
    if (await enable.count()) {
      await enable.click()
      await admin.getByText('已为本级开通').waitFor()
    }
    await card.getByRole('link', { name: /全市统计/ }).waitFor()
  })
  await city.close()

  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
  const staff = await staffContext.newPage()
  await step('12-city-staff-see-issue-figures', staff, async () => {
    await login(staff, base, 'ningbo', 'ningbo-staff')
    await staff.getByRole('menuitem', { name: '全市视图' }).click()
    await staff.locator('[data-scene="renda.issue-supervision"]').getByRole('link', { name: /全市统计/ }).click()
    await staff.waitForURL(/scope=descendants/)
    const byCongress = staff.getByTestId('by-congress')
    await byCongress.getByText('海曙区人大常委会').waitFor({ timeout: 15000 })
    const total = Number((await staff.locator('.stat-card .stat-value').first().textContent()).replace(/[^0-9]/g, ''))
    if (!(total >= 1)) throw new Error(`the city-wide total is ${total}; the deputy's issue in Haishu is not counted`)
  })
  // From the city-wide queue, a district's issue opens where it lives
  // (read-only for the city), with the deputy's photo.
  await step('13-city-staff-open-district-issue', staff, async () => {
    await staff.getByRole('menuitem', { name: '全市 · 督事办理' }).click()
    await staff.waitForURL(/\/queue\?scope=descendants/)
    const link = staff.locator('.vocab-list a[href*="/t/haishu/"]').first()
    await link.waitFor({ timeout: 15000 })
    await link.click()
    await staff.waitForURL(/\/t\/haishu\/s\/renda\.issue-supervision\/issue\//)
    await staff.locator('.detail-title').waitFor({ timeout: 15000 })
    await staff.getByTestId('read-only').getByText('海曙区人大常委会').waitFor()
    if (await staff.locator('.detail-actions button[data-action]').count()) throw new Error("the city is offered actions on a district's issue")
    const photo = staff.locator('.vocab-detail img').first()
    await photo.waitFor({ timeout: 15000 })
    await staff.waitForFunction((img) => img.complete && img.naturalWidth > 0, await photo.elementHandle(), { timeout: 15000 })
  })
  await staffContext.close()
}
