import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { switchLanguage } from '../i18n'
import { mockFetch } from '../test/fetch'
import { session, type DiscoveredScene, type Me } from '../session'
import { byID, ctx, pages } from './fixtures'
import PageView from './PageView.vue'
import ActionButton from './ActionButton.vue'
import CitywideView from '../views/CitywideView.vue'

vi.mock('./EChart.vue', () => ({
  default: defineComponent({ props: ['option', 'label'], setup: (p) => () => h('pre', { class: 'chart-stub', 'aria-label': p.label }, JSON.stringify(p.option)) }),
}))

const congresses = [
  { slug: 'ningbo', name_zh: '宁波市人大常委会', name_en: 'Ningbo', level: 'city' },
  { slug: 'haishu', name_zh: '海曙区人大常委会', name_en: 'Haishu', level: 'district', parent: 'ningbo' },
  { slug: 'gulou', name_zh: '鼓楼街道人大工委', name_en: 'Gulou', level: 'township', parent: 'haishu' },
  { slug: 'jiangbei', name_zh: '江北区人大常委会', name_en: 'Jiangbei', level: 'district', parent: 'ningbo' },
]
const S = '/api/v1/t/ningbo/scenes/renda.issue-supervision'
const issues: DiscoveredScene = { id: 'renda.issue-supervision', version: '0.1.0', title: { zh: '代表督事', en: 'Issue supervision' }, permissions: [], pages }

function router() {
  return createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
}

beforeEach(() => {
  switchLanguage('zh-CN')
  session.tenant = 'ningbo'
  session.me = { user_id: 'u', username: 'admin', display_name: '周志明', kind: 'human', roles: ['tenant_admin'], platform_admin: true,
    tenant: { slug: 'ningbo' } } as unknown as Me
})
afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
  session.scenes = []
  document.body.innerHTML = ''
})

describe('city-wide dashboard', () => {
  it('adds a table and a bar chart by congress from the lines of a city-wide answer', async () => {
    mockFetch({
      'GET /api/v1/congresses': () => ({ body: { items: congresses } }),
      [`GET ${S}/stats`]: () => ({ body: { total: 3, on_time_rate: 0.5, median_days: 2, by_category: [],
        tenants: [{ tenant: 'haishu', total: 2, on_time_rate: 1, median_days: 2 }, { tenant: 'jiangbei', total: 1, on_time_rate: 0, median_days: null }] } }),
    })
    const r = router()
    const w = mount(PageView, { props: { page: byID('stats'), ctx: ctx({ tenant: 'ningbo', scope: 'descendants' }) }, global: { plugins: [r] } })
    await flushPromises()
    const table = w.find('[data-testid="by-congress"]')
    expect(table.text()).toContain('各人大对比')
    const rows = table.findAll('.el-table__body tr').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(rows).toEqual([['海曙区人大常委会', '2', '100%', '2 天'], ['江北区人大常委会', '1', '0%', '—']])
    const chart = JSON.parse(table.find('.chart-stub').text())
    expect(chart.xAxis.data).toEqual(['海曙区人大常委会', '江北区人大常委会'])
    expect(chart.series[0].data).toEqual([2, 1])
  })

  it('shows no such table for one congress', async () => {
    mockFetch({ [`GET /api/v1/t/haishu/scenes/renda.issue-supervision/stats`]: () => ({ body: { total: 2, tenants: [{ tenant: 'x', total: 2 }] } }) })
    const w = mount(PageView, { props: { page: byID('stats'), ctx: ctx() }, global: { plugins: [router()] } })
    await flushPromises()
    expect(w.find('[data-testid="by-congress"]').exists()).toBe(false)
  })
})

describe('city-wide view', () => {
  it('lists the scenes run below; one the city runs links to its figures, another offers to enable it here', async () => {
    session.scenes = [issues]
    const calls = mockFetch({
      'GET /api/v1/congresses': () => ({ body: { items: congresses } }),
      'GET /api/v1/t/haishu/scene-pages': () => ({ body: { items: [issues, { id: 'renda.notice-board', version: '0.2.0', title: { zh: '公告栏', en: 'Notice board' }, pages: [] }] } }),
      'GET /api/v1/t/jiangbei/scene-pages': () => ({ body: { items: [issues] } }),
      'GET /api/v1/t/gulou/scene-pages': () => ({ status: 403, problem: true, body: { status: 403, title: 'Forbidden' } }),
      'PUT /api/v1/t/ningbo/scenes/renda.notice-board': () => ({ body: {} }),
      'GET /api/v1/t/ningbo/scene-pages': () => ({ body: { items: [issues] } }),
    })
    const w = mount(CitywideView, { global: { plugins: [router()] }, attachTo: document.body })
    await flushPromises()
    const card = w.find('[data-scene="renda.issue-supervision"]')
    expect(card.text()).toContain('开通于：海曙区人大常委会、江北区人大常委会')
    expect(card.find('a').attributes('href')).toBe('/t/ningbo/s/renda.issue-supervision/stats?scope=descendants')
    const board = w.find('[data-scene="renda.notice-board"]')
    expect(board.text()).toContain('本级尚未开通此场景')
    await board.find('[data-testid="enable-here"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'PUT')!.body).toEqual({ enabled: true, version: '0.2.0' })
  })
})

describe('city-wide list', () => {
  it("opens a district's record at the district's address, and the city's own with the city-wide scope", async () => {
    mockFetch({
      [`GET ${S}/issues`]: () => ({ body: { items: [
        { id: 'i1', tenant: 'haishu', description: '行道树倒伏', status: 'routed' },
        { id: 'i2', tenant: 'ningbo', description: '路灯不亮', status: 'routed' },
        { id: 'i3', description: '井盖缺失', status: 'routed' },
      ] } }),
    })
    const r = createRouter({ history: createMemoryHistory(), routes: [{ path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } }] })
    const w = mount(PageView, { props: { page: byID('issues'), ctx: ctx({ tenant: 'ningbo', scope: 'descendants' }) }, global: { plugins: [r] } })
    await flushPromises()
    const hrefs = [...new Set(w.findAll('a').map((a) => a.attributes('href')).filter((h) => h?.includes('/issue/')))]
    expect(hrefs).toEqual([
      '/t/haishu/s/renda.issue-supervision/issue/i1',
      '/t/ningbo/s/renda.issue-supervision/issue/i2?scope=descendants',
      '/t/ningbo/s/renda.issue-supervision/issue/i3?scope=descendants',
    ])
  })
})

describe("a congress below's record", () => {
  it('reads it at its address and offers no action that would write there', async () => {
    const record = { id: 'i1', tenant: 'haishu', description: '行道树倒伏', status: 'dispatched', category: 'tree', timeline: [], photos: [] }
    const D = '/api/v1/t/haishu/scenes/renda.issue-supervision/issues/i1'
    mockFetch({ [`GET ${D}`]: () => ({ body: record }) })
    const r = createRouter({ history: createMemoryHistory(), routes: [{ path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } }] })
    const mine = mount(PageView, { props: { page: byID('issue'), ctx: ctx({ tenant: 'haishu' }), id: 'i1' }, global: { plugins: [r] } })
    await flushPromises()
    expect(mine.find('.detail-title').text()).toBe('行道树倒伏')
    expect(mine.findAll('.detail-actions button').length).toBeGreaterThan(0)
    const theirs = mount(PageView, { props: { page: byID('issue'), ctx: ctx({ tenant: 'haishu', readOnly: true }), id: 'i1' }, global: { plugins: [r] } })
    await flushPromises()
    expect(theirs.find('.detail-title').text()).toBe('行道树倒伏')
    expect(theirs.findAll('.detail-actions button').length).toBe(0)
  })
})

describe('actions where the user only reads', () => {
  it('offers no form page that would write, nor any call', async () => {
    const r = createRouter({ history: createMemoryHistory(), routes: [{ path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } }] })
    const report = { id: 'report', title: { zh: '报告问题', en: 'Report' }, page: 'report' }
    const figures = { id: 'figures', title: { zh: '统计', en: 'Figures' }, page: 'stats' }
    const shown = (over: object) =>
      [report, figures].filter((a) => mount(ActionButton, { props: { action: a, ctx: ctx(over) }, global: { plugins: [r] } }).html().includes(a.title.zh)).map((a) => a.id)
    expect(shown({})).toEqual(['report', 'figures'])
    expect(shown({ readOnly: true })).toEqual(['figures'])
    expect(shown({ scope: 'descendants' })).toEqual(['figures'])
  })
})
