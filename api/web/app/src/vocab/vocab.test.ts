import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { i18n, switchLanguage } from '../i18n'
import { mockFetch } from '../test/fetch'
import { byID, ctx } from './fixtures'
import PageView from './PageView.vue'
import { chartOption } from './chart'
import type { Attachments } from './types'

// ECharts needs a canvas jsdom does not have: the chart component is
// replaced by one that shows the option it was given.
vi.mock('./EChart.vue', () => ({
  default: defineComponent({ props: ['option', 'label'], setup: (p) => () => h('pre', { class: 'chart-stub', 'aria-label': p.label }, JSON.stringify(p.option)) }),
}))

const S = '/api/v1/t/haishu/scenes/renda.issue-supervision'

function routerFor() {
  const r = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/', component: { template: '<div/>' } },
    { path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } },
  ] })
  return r
}

async function render(pageID: string, props: Record<string, unknown> = {}) {
  const router = routerFor()
  await router.push('/')
  const w = mount(PageView, { props: { page: byID(pageID), ctx: ctx(), ...props }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

beforeEach(() => switchLanguage('zh-CN'))
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const issues = [
  { id: 'i1', description: '中山西路行道树倒伏', status: 'submitted', worker: { name: '王网格' }, due_at: '2026-07-30T08:00:00Z' },
  { id: 'i2', description: '井盖缺失', status: 'closed', worker: null, due_at: null },
]

describe('list page', () => {
  it('shows columns (dotted fields, status titles, links), search, filters, row actions and loads more by cursor', async () => {
    const calls = mockFetch({
      [`GET ${S}/issues`]: (c) => c.url.includes('cursor=c2')
        ? { body: { items: [{ id: 'i3', description: '路灯不亮', status: 'submitted' }] } }
        : { body: { items: issues, next_cursor: 'c2' } },
      [`POST ${S}/issues/i1/actions`]: () => ({ body: { id: 'i1', status: 'accepted' } }),
    })
    const { w } = await render('issues')
    const table = w.find('.list-table')
    expect(table.text()).toContain('问题')
    expect(table.text()).toContain('中山西路行道树倒伏')
    expect(table.text()).toContain('王网格') // worker.name
    expect(table.text()).toContain('已提交') // status option title
    expect(table.find('a.cell-link').attributes('href')).toBe('/t/haishu/s/renda.issue-supervision/issue/i1')
    // the fixed query of the source is kept
    expect(calls[0].url).toContain('sort=-created_at')
    expect(calls[0].headers['Accept-Language']).toBe('zh-CN')

    // row actions follow visible_if: accept on the submitted row, reopen on the closed one
    const rows = table.findAll('.el-table__body tr')
    expect(rows[0].find('[data-action="accept"]').exists()).toBe(true)
    expect(rows[0].find('[data-action="reopen"]').exists()).toBe(false)
    expect(rows[1].find('[data-action="reopen"]').exists()).toBe(true)

    // search sends the page's search parameter
    await w.find('input#search-issues').setValue('倒伏')
    await w.find('form.list-search').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)!.url).toContain('q=%E5%80%92%E4%BC%8F')

    // a row action calls its route with the row's id and the fixed body (no confirmation)
    await rows[0].find('[data-action="accept"]').trigger('click')
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.url).toBe(`${S}/issues/i1/actions`)
    expect(post.body).toEqual({ action: 'accept' })
    expect(post.headers['X-Renda-CSRF']).toBeTruthy()

    // load more by cursor
    await w.find('.list-more button').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url.includes('cursor=c2'))).toBe(true)
    expect(w.find('.list-table').text()).toContain('路灯不亮')
  })

  it('sends a filter as its query parameter and shows the empty text', async () => {
    const calls = mockFetch({ [`GET ${S}/issues`]: () => ({ body: { items: [] } }) })
    const { w } = await render('issues')
    expect(w.text()).toContain('还没有督事')
    const vm = w.findComponent({ name: 'ElSelect' })
    vm.vm.$emit('update:modelValue', 'closed')
    await flushPromises()
    expect(calls.at(-1)!.url).toContain('status=closed')
  })

  it('shows an API error in the user language', async () => {
    switchLanguage('en')
    const calls = mockFetch({ [`GET ${S}/issues`]: () => ({ status: 403, problem: true, body: { status: 403, title: 'Forbidden', detail: 'You may not read issues.' } }) })
    const { w } = await render('issues')
    expect(calls[0].headers['Accept-Language']).toBe('en')
    expect(w.find('[role="alert"]').text()).toContain('You may not read issues.')
  })
})

describe('detail page', () => {
  it('shows fields, the timeline, attachments, the map point, and an action asking for confirmation first', async () => {
    let status = 'dispatched'
    const calls = mockFetch({
      [`GET ${S}/issues/i1`]: () => ({ body: {
        id: 'i1', description: '中山西路行道树倒伏', status, worker: { name: '王网格' }, urgent: true,
        lat: 29.871, lng: 121.5478, address: '中山西路', photos: ['f1', 'f2'],
        timeline: [
          { action: 'report', to: 'submitted', name: '李秀英', at: '2026-07-25T02:00:00Z' },
          { action: 'dispatched', to: 'dispatched', name: '四平台', at: '2026-07-25T02:05:00Z', note: '已派网格员王网格' },
        ],
      } }),
      [`POST ${S}/issues/i1/actions`]: () => {
        status = 'closed'
        return { body: { id: 'i1', status } }
      },
    })
    const { w } = await render('issue', { id: 'i1' })
    expect(w.find('h2.detail-title').text()).toBe('中山西路行道树倒伏')
    const fields = w.find('.detail-fields').text()
    expect(fields).toContain('已派单')
    expect(fields).toContain('王网格')
    expect(fields).toContain('是') // urgent: bool
    const tl = w.find('.timeline').text()
    expect(tl).toContain('报告')
    expect(tl).toContain('李秀英')
    expect(tl).toContain('已派网格员王网格')
    const imgs = w.findAll('.attachments img')
    expect(imgs.map((i) => i.attributes('src'))).toEqual([`${S}/photos/f1`, `${S}/photos/f2`])
    expect(w.find('.map-preview').text()).toContain('29.87100, 121.54780')
    expect(w.find('.map-preview').text()).toContain('中山西路')

    // the action asks first; nothing is sent until confirmed
    await w.find('[data-action="close"]').trigger('click')
    await flushPromises()
    expect(document.body.textContent).toContain('确定办结这件督事吗？')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)
    ;(document.body.querySelector('[data-confirm]') as HTMLButtonElement).click()
    await flushPromises()
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({ action: 'close' })
    // the page reloads: the action is gone (visible_if no longer holds)
    expect(calls.filter((c) => c.method === 'GET')).toHaveLength(2)
    expect(w.find('[data-action="close"]').exists()).toBe(false)
  })
})

describe('detail page attachments', () => {
  it('shows host file ids as thumbnails from /scene-files, and enlarges one on a click', async () => {
    mockFetch({ [`GET ${S}/issues/i1`]: () => ({ body: { id: 'i1', description: '井盖缺失', status: 'submitted', photos: ['f1', 'f 2'], timeline: [] } }) })
    const page = structuredClone(byID('issue'))
    page.detail!.attachments = [{ field: 'photos' }]
    const { w } = await render('issue', { id: 'i1', page })
    const F = '/api/v1/t/haishu/scene-files/renda.issue-supervision'
    const imgs = w.findAll('.attachments img')
    expect(imgs.map((i) => i.attributes('src'))).toEqual([`${F}/f1`, `${F}/f%202`])
    expect(document.body.querySelector('.el-image-viewer__wrapper')).toBeNull()
    await imgs[1].trigger('click')
    await flushPromises()
    const viewer = document.body.querySelector('.el-image-viewer__wrapper')
    expect(viewer).not.toBeNull()
    expect(viewer!.querySelector('img')?.getAttribute('src')).toBe(`${F}/f%202`)
  })

  it('shows each group under its title, with the files of the congress the record names (a district, read city-wide)', async () => {
    const N = '/api/v1/t/ningbo/scenes/renda.issue-supervision'
    const calls = mockFetch({ [`GET ${N}/issues/i1`]: () => ({ body: {
      id: 'i1', description: '井盖缺失', status: 'closed', tenant: 'haishu', photos: ['f1', 'f2'], after_photos: ['f3'], links: ['d1'], timeline: [],
    } }) })
    const page = structuredClone(byID('issue'))
    page.detail!.attachments = [
      { field: 'photos', title: { zh: '报告照片', en: 'Photos reported' }, tenant: 'tenant' },
      { field: 'after_photos', title: { zh: '办结照片', en: 'Photos after handling' }, tenant: 'tenant' },
      { field: 'links', source: 'GET /photos/{id}', tenant: 'tenant' },
      { field: 'none', title: { zh: '空', en: 'Empty' } },
    ]
    const { w } = await render('issue', { id: 'i1', page, ctx: ctx({ tenant: 'ningbo', scope: 'descendants' }) })
    expect(calls[0].url).toBe(`${N}/issues/i1?scope=descendants`)
    const F = '/api/v1/t/haishu/scene-files/renda.issue-supervision'
    const srcs = (field: string) => w.findAll(`[data-attachments="${field}"] img`).map((i) => i.attributes('src'))
    expect(srcs('photos')).toEqual([`${F}/f1`, `${F}/f2`])
    expect(srcs('after_photos')).toEqual([`${F}/f3`])
    expect(srcs('links')).toEqual([`${S}/photos/d1`]) // the group's source, at the district
    const titles = w.findAll('[data-attachments] h3').map((h) => h.text())
    expect(titles).toEqual(['报告照片', '办结照片', '照片与附件']) // the empty group is left out
    expect(w.text()).not.toContain('没有附件')
  })

  it('uses the page\'s congress when the record names none, and says so when no group has files', async () => {
    mockFetch({ [`GET ${S}/issues/i1`]: () => ({ body: { id: 'i1', description: '井盖缺失', status: 'submitted', tenant: '', photos: ['f1'], after_photos: [], timeline: [] } }) })
    const page = structuredClone(byID('issue'))
    page.detail!.attachments = [{ field: 'photos', tenant: 'tenant' }, { field: 'after_photos', tenant: 'tenant' }]
    const { w } = await render('issue', { id: 'i1', page })
    expect(w.findAll('.attachments img').map((i) => i.attributes('src'))).toEqual(['/api/v1/t/haishu/scene-files/renda.issue-supervision/f1'])

    page.detail!.attachments = [{ field: 'after_photos', tenant: 'tenant' }]
    const { w: empty } = await render('issue', { id: 'i1', page })
    expect(empty.find('.attachments').exists()).toBe(false)
    expect(empty.text()).toContain('没有附件')
  })

  it('still shows the one attachments object a scene built with an earlier SDK sends', async () => {
    mockFetch({ [`GET ${S}/issues/i1`]: () => ({ body: { id: 'i1', description: '井盖缺失', status: 'submitted', photos: ['f1'], timeline: [] } }) })
    const page = structuredClone(byID('issue'))
    page.detail!.attachments = { field: 'photos' } as unknown as Attachments[]
    const { w } = await render('issue', { id: 'i1', page })
    expect(w.findAll('[data-attachments="photos"] img').map((i) => i.attributes('src')))
      .toEqual(['/api/v1/t/haishu/scene-files/renda.issue-supervision/f1'])
    expect(w.find('[data-attachments="photos"] h3').text()).toBe('照片与附件')
  })
})

describe('form page', () => {
  it('builds fields from the JSON Schema and UI hints, and shows field errors from a problem response', async () => {
    const calls = mockFetch({
      [`POST ${S}/issues`]: () => ({ status: 400, problem: true, body: {
        status: 400, title: '请求无效', detail: '请求中有无效的字段。', code: 'invalid',
        errors: [{ pointer: '/description', detail: '问题描述不能少于 5 个字。', code: 'invalid' }, { pointer: '/lat', detail: '位置不在本区范围内。', code: 'invalid' }],
      } }),
    })
    const { w } = await render('report')
    const labels = w.findAll('.el-form-item__label').map((l) => l.text())
    expect(labels.slice(0, 4)).toEqual(['类别', '问题描述', '位置', '照片']) // ui order
    expect(w.find('textarea').exists()).toBe(true)
    expect(w.findAll('.el-radio').map((r) => r.text())).toEqual(['树木倒伏', '井盖缺失'])
    expect(w.find('input[type="file"][accept="image/*"]').exists()).toBe(true)
    expect(w.text()).toContain('使用我的位置')
    // labels point at their inputs (keyboard and screen readers)
    const descLabel = w.findAll('label.el-form-item__label').find((l) => l.text() === '问题描述')!
    expect(w.find(`#${descLabel.attributes('for')}`).element.tagName).toBe('TEXTAREA')

    // required fields are checked before sending
    await w.find('form').trigger('submit')
    await flushPromises()
    await flushPromises()
    await vi.waitFor(() => expect(w.text()).toContain('此项必填'))
    expect(calls).toHaveLength(0)
    const required = w.findAll('.el-form-item').filter((i) => i.classes('is-error')).map((i) => i.find('.el-form-item__label').text())
    expect(required).toEqual(['类别', '问题描述', '位置'])

    await w.findAll('.el-radio')[0].find('input').setValue(true)
    await w.find('textarea').setValue('倒树')
    const nums = w.findAll('.map-inputs input')
    await nums[0].setValue('29.871')
    await nums[0].trigger('blur')
    await nums[1].setValue('121.5478')
    await nums[1].trigger('blur')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls).toHaveLength(1)
    expect(calls[0].body).toMatchObject({ category: 'tree', description: '倒树', lat: 29.871, lng: 121.5478 })
    // the API's field errors sit on their fields, the summary on top
    const items = w.findAll('.el-form-item')
    const desc = items.find((i) => i.find('.el-form-item__label').text() === '问题描述')!
    expect(desc.find('.el-form-item__error').text()).toBe('问题描述不能少于 5 个字。')
    const loc = items.find((i) => i.find('.el-form-item__label').text() === '位置')!
    expect(loc.find('.el-form-item__error').text()).toBe('位置不在本区范围内。')
    expect(w.find('[role="alert"]').text()).toContain('请求中有无效的字段。')
  })

  it('uploads photos to the upload route and opens the then page with the new id', async () => {
    const calls = mockFetch({
      [`POST ${S}/photos`]: () => ({ status: 201, body: { id: 'photo-1' } }),
      [`POST ${S}/issues`]: () => ({ status: 201, body: { id: 'new-1' } }),
    })
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x' }))
    const { w, router } = await render('report')
    const input = w.find('input[type="file"]')
    const file = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'tree.jpg', { type: 'image/jpeg' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await flushPromises()
    expect(calls[0].method).toBe('POST')
    expect(calls[0].url).toBe(`${S}/photos`)
    expect(w.find('.thumbs img').attributes('src')).toBe('blob:x')

    await w.findAll('.el-radio')[1].find('input').setValue(true)
    await w.find('textarea').setValue('井盖缺失，夜间危险')
    const nums = w.findAll('.map-inputs input')
    await nums[0].setValue('29.8')
    await nums[0].trigger('blur')
    await nums[1].setValue('121.5')
    await nums[1].trigger('blur')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls[1].body).toMatchObject({ category: 'manhole', photos: ['photo-1'] })
    expect(router.currentRoute.value.fullPath).toBe('/t/haishu/s/renda.issue-supervision/issue/new-1')
  })
})

describe('dashboard page', () => {
  it('shows cards formatted and a chart, reading each source once', async () => {
    const calls = mockFetch({
      [`GET ${S}/stats`]: () => ({ body: { total: 344, on_time_rate: 0.925, median_days: 3.5,
        by_category: [{ title: { zh: '树木', en: 'Trees' }, count: 120 }, { title: { zh: '井盖', en: 'Manholes' }, count: 80 }] } }),
    })
    const { w } = await render('stats')
    expect(calls).toHaveLength(1)
    const cards = w.findAll('.stat-card').map((c) => c.text())
    expect(cards[0]).toContain('344')
    expect(cards[1]).toContain('92.5%')
    expect(cards[2]).toContain('3.5 天')
    const opt = JSON.parse(w.find('.chart-stub').text())
    expect(opt.xAxis.data).toEqual(['树木', '井盖'])
    expect(opt.series[0]).toMatchObject({ type: 'bar', data: [120, 80] })
  })

  it('reads city-wide with ?scope=descendants', async () => {
    const calls = mockFetch({ [`GET ${S}/stats`]: () => ({ body: { total: 1, on_time_rate: 1, median_days: 1, by_category: [] } }) })
    const router = routerFor()
    mount(PageView, { props: { page: byID('stats'), ctx: ctx({ scope: 'descendants' }) }, global: { plugins: [router] } })
    await flushPromises()
    expect(calls[0].url).toContain('scope=descendants')
  })

  it('makes series, pie charts and English labels', () => {
    const data = { rows: [{ d: 'haishu', m: '7', n: 2 }, { d: 'haishu', m: '8', n: 3 }, { d: 'jiangbei', m: '7', n: 5 }] }
    const line = chartOption({ title: { zh: '', en: '' }, source: 'GET /x', type: 'line', items: 'rows', x: 'm', y: 'n', series: 'd' }, data, 'zh-CN')
    expect((line.series as { name: string; data: number[] }[]).map((s) => [s.name, s.data])).toEqual([['haishu', [2, 3]], ['jiangbei', [5, 0]]])
    const pie = chartOption({ title: { zh: '', en: '' }, source: 'GET /x', type: 'pie', x: 'k', y: 'v' }, [{ k: { zh: '树', en: 'Tree' }, v: 1 }], 'en')
    expect((pie.series as { data: unknown[] }[])[0].data).toEqual([{ name: 'Tree', value: 1 }])
  })
})

describe('action with a form', () => {
  it('asks for its form, then sends fixed body and form values together', async () => {
    const calls = mockFetch({ [`POST ${S}/issues/i1/actions`]: () => ({ body: {} }) })
    const page = structuredClone(byID('issue'))
    page.detail!.actions = [{ id: 'answer', title: { zh: '答复', en: 'Answer' }, call: 'POST /issues/{id}/actions', body: { action: 'answer' },
      form: { schema: { type: 'object', required: ['note'], properties: { note: { type: 'string' } } }, ui: { note: { widget: 'textarea', title: { zh: '答复内容', en: 'Answer' } } } } }]
    mockFetch({
      [`GET ${S}/issues/i1`]: () => ({ body: { id: 'i1', description: 'x', status: 'dispatched', timeline: [], photos: [] } }),
      [`POST ${S}/issues/i1/actions`]: (c) => { calls.push(c); return { body: {} } },
    })
    const router = routerFor()
    const w = mount(PageView, { props: { page, ctx: ctx(), id: 'i1' }, global: { plugins: [router] }, attachTo: document.body })
    await flushPromises()
    await w.find('[data-action="answer"]').trigger('click')
    await flushPromises()
    const dialog = document.body.querySelector('.action-dialog')!
    expect(dialog.textContent).toContain('答复内容')
    ;(document.body.querySelector('[data-confirm]') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls).toHaveLength(0) // required note missing
    const ta = dialog.querySelector('textarea')!
    ta.value = '已联系园林部门'
    ta.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.body.querySelector('[data-confirm]') as HTMLButtonElement).click()
    await flushPromises()
    expect(calls[0].body).toEqual({ action: 'answer', note: '已联系园林部门' })
  })
})

it('uses the English titles when the user switches language', async () => {
  switchLanguage('en')
  mockFetch({ [`GET ${S}/issues`]: () => ({ body: { items: issues } }) })
  const { w } = await render('issues')
  expect(w.find('.list-table').text()).toContain('Grid worker')
  expect(w.find('.list-table').text()).toContain('Submitted')
  expect(i18n.global.locale.value).toBe('en')
})
