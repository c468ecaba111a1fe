import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { switchLanguage } from '../../i18n'
import { mockFetch } from '../../test/fetch'
import type { PageDef } from '../../vocab/types'
import ScenePublicView from './ScenePublicView.vue'

// A scene's public page renders for anyone: the page comes from the
// congress's public scene pages, its record from a public scene route,
// with no session and no CSRF header; links stay on public addresses.
const L = (zh: string, en: string) => ({ zh, en })
const S = '/api/v1/t/haishu/scenes/renda.livelihood-voting'
const pages: PageDef[] = [
  {
    id: 'public-result', title: L('公开的票决结果', 'Published result'), kind: 'detail', menu: false, audience: [], public: true,
    detail: {
      source: 'GET /public/rounds/{id}', title_field: 'title', actions: [],
      fields: [{ field: 'result.ballots', title: L('有效选票', 'Ballots'), type: 'number' }],
      tables: [{ field: 'result.candidates', title: L('各项目得票', 'Votes per project'), columns: [
        { field: 'title', title: L('项目', 'Project'), type: 'text' }, { field: 'approve', title: L('赞成', 'Approve'), type: 'number' },
        { field: 'adopted', title: L('确定为民生实事', 'Adopted'), type: 'bool' }] }],
    },
  },
  {
    id: 'rounds', title: L('公开的年度', 'Published rounds'), kind: 'list', menu: false, audience: [], public: true,
    list: { source: 'GET /public/rounds', items: 'items', cursor: 'next_cursor', filters: [], actions: [], row_actions: [],
      columns: [{ field: 'title', title: L('年度', 'Round'), type: 'text', link: 'public-result' }] },
  },
]
const discovery = { tenant: { slug: 'haishu', name_zh: '海曙区人大常委会', name_en: 'Haishu District' },
  items: [{ id: 'renda.livelihood-voting', version: '0.1.0', title: L('民生实事票决', 'Livelihood voting'), pages }] }
const round = { id: 'r1', title: '2027年民生实事', result: { ballots: 5, candidates: [
  { title: '老旧小区加装电梯', approve: 5, adopted: true }, { title: '中小学食堂改造', approve: 2, adopted: false }] } }

function routes() {
  return mockFetch({
    'GET /api/v1/t/haishu/public/scene-pages': () => ({ body: discovery }),
    [`GET ${S}/public/rounds/r1`]: () => ({ body: round }),
    [`GET ${S}/public/rounds`]: () => ({ body: { items: [round] } }),
  })
}

async function open(path: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [
    { path: '/p/:tenant/scenes/:scene/:page/:id?', name: 'public-scene-page', component: ScenePublicView },
    { path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } },
  ] })
  await router.push(path)
  const w = mount({ template: '<router-view />' }, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return w
}

describe('a public scene page', () => {
  beforeEach(() => switchLanguage('zh-CN'))
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('renders a published result without a session, in both languages', async () => {
    const calls = routes()
    const w = await open('/p/haishu/scenes/renda.livelihood-voting/public-result/r1')
    const body = document.body.textContent ?? ''
    expect(body).toContain('海曙区人大常委会')
    expect(body).toContain('2027年民生实事')
    expect(body).toContain('老旧小区加装电梯')
    expect(body).toContain('各项目得票')
    expect(calls.map((c) => `${c.method} ${c.url.split('?')[0]}`)).toEqual(['GET /api/v1/t/haishu/public/scene-pages', `GET ${S}/public/rounds/r1`])
    for (const c of calls) expect(Object.keys(c.headers).map((k) => k.toLowerCase())).not.toContain('x-renda-csrf')

    switchLanguage('en')
    await flushPromises()
    expect(document.body.textContent).toContain('Votes per project')
    expect(document.body.textContent).toContain('Haishu District')
    w.unmount()
  })

  it('links a public list to public pages', async () => {
    routes()
    const w = await open('/p/haishu/scenes/renda.livelihood-voting/rounds')
    const hrefs = [...document.body.querySelectorAll('a')].map((a) => a.getAttribute('href'))
    expect(hrefs).toContain('/p/haishu/scenes/renda.livelihood-voting/public-result/r1')
    expect(hrefs.some((h) => h?.startsWith('/t/'))).toBe(false)
    w.unmount()
  })

  it('says so when the congress publishes no such page', async () => {
    routes()
    const w = await open('/p/haishu/scenes/renda.livelihood-voting/result/r1')
    expect(document.body.textContent).toContain('该公开页面不存在')
    w.unmount()
  })
})
