import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { switchLanguage } from '../i18n'
import { mockFetch, type Call } from '../test/fetch'
import type { PageDef, SceneContext } from './types'
import PageView from './PageView.vue'

// The vocabulary's record-driven parts, from a voting-like manifest: a
// choice per candidate and a choose-up-to-K checklist whose items come
// from a route, shown by the round's rules; the review before the call;
// the receipt after it; tables of a record; a list of a record's
// children with its id, and params filling a nested route.
const L = (zh: string, en: string) => ({ zh, en })
const S = '/api/v1/t/haishu/scenes/renda.livelihood-voting'

const ballotSchema = {
  type: 'object',
  properties: {
    choices: { type: 'object', additionalProperties: { type: 'string', enum: ['approve', 'oppose', 'abstain'] } },
    selected: { type: 'array', items: { type: 'string' } },
  },
}
const items = { source: 'GET /rounds/{id}/candidates', label: 'title', note: 'department', in: 'ballot.candidates' }

const pages: PageDef[] = [
  {
    id: 'round', title: L('票决年度', 'Round'), kind: 'detail', menu: false, audience: ['deputy'],
    detail: {
      source: 'GET /rounds/{id}', title_field: 'title', fields: [{ field: 'year', title: L('年度', 'Year'), type: 'number' }],
      tables: [{ field: 'result.candidates', title: L('各项目得票', 'Votes'), columns: [
        { field: 'title', title: L('项目', 'Project'), type: 'text' }, { field: 'approve', title: L('赞成', 'Approve'), type: 'number' }] }],
      actions: [{
        id: 'vote', title: L('投票', 'Vote'), call: 'POST /rounds/{id}/ballot/cast', visible_if: { field: 'ballot.state', in: ['open'] },
        confirm: L('提交后不能更改。', 'It cannot be changed.'),
        form: {
          schema: ballotSchema,
          ui: {
            choices: { widget: 'choices', title: L('逐项表决', 'Each candidate'), items, visible_if: { field: 'ballot.rules.mode', in: ['per_candidate', 'both'] },
              options: [{ value: 'approve', title: L('赞成', 'Approve') }, { value: 'oppose', title: L('反对', 'Oppose') }, { value: 'abstain', title: L('弃权', 'Abstain') }] },
            selected: { widget: 'checklist', title: L('勾选', 'Tick'), items, max: 'ballot.rules.k', visible_if: { field: 'ballot.rules.mode', in: ['choose_k'] } },
          },
        },
        result: { title: L('这是您的回执', 'Your receipt'), note: L('请保存。', 'Keep it.'), fields: [{ field: 'receipt', title: L('回执', 'Receipt'), type: 'text' }] },
      }],
    },
  },
  {
    id: 'candidates', title: L('候选项目', 'Candidates'), kind: 'list', menu: false, audience: ['staff'],
    list: {
      source: 'GET /rounds/{id}/candidates', items: 'items', cursor: 'next_cursor',
      columns: [{ field: 'title', title: L('项目', 'Project'), type: 'text' }], filters: [],
      actions: [{ id: 'to-review', title: L('进入审查', 'Review'), call: 'POST /rounds/{id}/phase', body: { to: 'review' } }],
      row_actions: [{ id: 'merge', title: L('合并', 'Merge'), call: 'POST /rounds/{id}/candidates/{cid}/merge', params: { id: 'round_id', cid: 'id' },
        form: { source: 'GET /rounds/{id}', schema: { type: 'object', properties: { into: { type: 'string' } } },
          ui: { into: { widget: 'select', title: L('合并到', 'Into'), items: { source: 'GET /rounds/{id}/candidates', if: { field: 'status', in: ['proposed'] } } } } } }],
    },
  },
]
const ctx = (): SceneContext => ({ tenant: 'haishu', scene: 'renda.livelihood-voting', pages })

const candidates = [
  { id: 'c1', round_id: 'r1', title: '老旧小区加装电梯', department: '区住建局', status: 'proposed' },
  { id: 'c2', round_id: 'r1', title: '中小学食堂改造', department: '区教育局', status: 'proposed' },
  { id: 'c3', round_id: 'r1', title: '重复的建议', department: '', status: 'merged' },
]
const round = (mode: string, k: number) => ({ id: 'r1', title: '2026年民生实事', year: 2026, ballot: { state: 'open', candidates: ['c2', 'c1'], rules: { mode, k } },
  result: { candidates: [{ title: '老旧小区加装电梯', approve: 8 }] } })

async function render(page: string, id: string) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/t/:tenant/s/:scene/:page/:id?', name: 'scene-page', component: { template: '<div/>' } }] })
  const w = mount(PageView, { props: { page: pages.find((p) => p.id === page)!, ctx: ctx(), id }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return w
}

const $ = (sel: string) => document.body.querySelector(sel) as HTMLElement
const $$ = (sel: string) => [...document.body.querySelectorAll(sel)] as HTMLElement[]
async function click(sel: string) {
  $(sel).click()
  await flushPromises()
  await flushPromises()
}

beforeEach(() => switchLanguage('zh-CN'))
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('a ballot as an action', () => {
  it('offers a choice per candidate in ballot order, shows the choices to confirm, sends only the shown property and shows the receipt', async () => {
    const casts: Call[] = []
    mockFetch({
      [`GET ${S}/rounds/r1`]: () => ({ body: round('per_candidate', 0) }),
      [`GET ${S}/rounds/r1/candidates`]: () => ({ body: { items: candidates } }),
      [`POST ${S}/rounds/r1/ballot/cast`]: (c) => { casts.push(c); return { status: 201, body: { receipt: 'a1b2c3d4e5f6' } } },
    })
    const w = await render('round', 'r1')
    // the record's array as a table
    expect(w.find('[data-table="result.candidates"]').text()).toContain('老旧小区加装电梯')

    await click('[data-action="vote"]')
    const rows = $$('.choice-row')
    expect(rows.map((r) => r.dataset.item)).toEqual(['c2', 'c1']) // the ballot paper's order, not the list's
    expect(rows[0].textContent).toContain('中小学食堂改造')
    expect(rows[0].textContent).toContain('区教育局')
    expect($('.action-dialog').textContent).not.toContain('勾选') // the checklist is for choose-K ballots
    ;(rows[0].querySelector('[data-choice="approve"] input') as HTMLInputElement).click()
    ;(rows[1].querySelector('[data-choice="oppose"] input') as HTMLInputElement).click()
    await flushPromises()

    await click('[data-confirm]')
    expect(casts).toHaveLength(0) // first the review
    const review = $('.action-dialog .review').textContent!
    expect(review).toMatch(/中小学食堂改造\s*赞成/)
    expect(review).toMatch(/老旧小区加装电梯\s*反对/)
    expect($('.action-dialog').textContent).toContain('提交后不能更改。')
    await click('[data-back]')
    expect($$('.choice-row')).toHaveLength(2) // back on the form, choices kept
    await click('[data-confirm]')
    await click('[data-confirm]')

    expect(casts).toHaveLength(1)
    expect(casts[0].body).toEqual({ choices: { c2: 'approve', c1: 'oppose' } })
    const result = $('.result-dialog')
    expect(result.textContent).toContain('这是您的回执')
    expect(result.querySelector('[data-field="receipt"]')!.textContent).toContain('a1b2c3d4e5f6')
    expect(result.textContent).toContain('请保存。')
  })

  it('lets a choose-K ballot tick at most K, in English', async () => {
    switchLanguage('en')
    const casts: Call[] = []
    mockFetch({
      [`GET ${S}/rounds/r1`]: () => ({ body: round('choose_k', 1) }),
      [`GET ${S}/rounds/r1/candidates`]: () => ({ body: { items: candidates } }),
      [`POST ${S}/rounds/r1/ballot/cast`]: (c) => { casts.push(c); return { status: 201, body: { receipt: 'ff00' } } },
    })
    await render('round', 'r1')
    await click('[data-action="vote"]')
    expect($$('.choice-row')).toHaveLength(0)
    expect($('.checklist-count').textContent).toBe('0 of at most 1 chosen')
    const boxes = $$('.checklist-item input') as HTMLInputElement[]
    boxes[1].click()
    await flushPromises()
    expect($('.checklist-count').textContent).toBe('1 of at most 1 chosen')
    expect(boxes[0].disabled).toBe(true)
    await click('[data-confirm]')
    expect($('.action-dialog .review').textContent).toContain('老旧小区加装电梯')
    await click('[data-confirm]')
    expect(casts[0].body).toEqual({ selected: ['c1'] })
    expect($('.result-dialog').textContent).toContain('Your receipt')
  })
})

describe('a list of a record', () => {
  it('reads its source with the page id, gives the toolbar the id, and fills nested routes by params', async () => {
    const calls = mockFetch({
      [`GET ${S}/rounds/r1`]: () => ({ body: round('per_candidate', 0) }),
      [`GET ${S}/rounds/r1/candidates`]: () => ({ body: { items: candidates } }),
      [`POST ${S}/rounds/r1/phase`]: () => ({ body: {} }),
      [`POST ${S}/rounds/r1/candidates/c3/merge`]: () => ({ body: {} }),
    })
    const w = await render('candidates', 'r1')
    expect(w.find('.list-table').text()).toContain('中小学食堂改造')
    await click('.list-actions [data-action="to-review"]')
    expect(calls.find((c) => c.method === 'POST')?.url).toBe(`${S}/rounds/r1/phase`)

    const merges = w.findAll('.list-table [data-action="merge"]')
    await merges[2].trigger('click')
    await flushPromises()
    await flushPromises()
    // the form's source is read with the row's round_id; its select offers the proposed candidates only
    expect(calls.some((c) => c.method === 'GET' && c.url.endsWith('/rounds/r1'))).toBe(true)
    $('.action-dialog .el-select__wrapper').click()
    await flushPromises()
    expect($$('.el-select-dropdown__item').map((o) => o.textContent)).toEqual(['老旧小区加装电梯', '中小学食堂改造'])
    $$('.el-select-dropdown__item')[0].click()
    await flushPromises()
    await click('[data-confirm]')
    const merge = calls.find((c) => c.url.endsWith('/merge'))!
    expect(merge.url).toBe(`${S}/rounds/r1/candidates/c3/merge`)
    expect(merge.body).toEqual({ into: 'c1' })
  })
})
