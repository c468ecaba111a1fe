import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { switchLanguage, i18n } from '../../i18n'
import { mockFetch } from '../../test/fetch'
import { session, type Me } from '../../session'
import DeputiesView from './DeputiesView.vue'
import { importProblems } from './importProblems'

const D = '/api/v1/t/haishu/deputies'

beforeEach(() => {
  switchLanguage('zh-CN')
  session.tenant = 'haishu'
  session.me = { user_id: 'u1', username: 'haishu-admin', display_name: '刘海涛', kind: 'human', roles: ['tenant_admin'], platform_admin: false,
    permissions: ['deputies:read', 'deputies:write'], tenant: { slug: 'haishu' } } as unknown as Me
})
afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
  document.body.innerHTML = ''
})

async function mountView() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const w = mount(DeputiesView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return w
}

async function choose(w: Awaited<ReturnType<typeof mountView>>, name: string) {
  const input = w.find('#dep-import')
  Object.defineProperty(input.element, 'files', { value: [new File(['PK'], name)], configurable: true })
  await input.trigger('change')
  await flushPromises()
}

describe('deputies import', () => {
  it('shows each problem by row and field, and nothing else changes', async () => {
    let lists = 0
    const calls = mockFetch({
      [`GET ${D}`]: () => ((lists += 1), { body: { items: [] } }),
      [`POST ${D}/import`]: () => ({ status: 400, problem: true, body: { status: 400, title: 'Bad Request', code: 'import.invalid',
        detail: '文件中有 2 行有误，未导入任何代表；请按标出的行修改后重新导入。',
        errors: [
          { pointer: '#/rows/7/name', detail: '该代表已在名册中（姓名、届次、选区相同）。', code: 'deputy.duplicate_existing' },
          { pointer: '#/rows/3/level', detail: '“省”不是可用的值，应为：市/city, 区县/district, 乡镇/township。', code: 'import.value' },
        ] } }),
    })
    const w = await mountView()
    expect(w.find('[data-testid="import-template"]').attributes('href')).toBe(`${D}/import-template`)
    await choose(w, 'roll.xlsx')
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.headers['Content-Type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(post.headers['X-Renda-CSRF']).toBeTruthy()
    const alert = w.find('[data-testid="import-error"]')
    expect(alert.text()).toContain('文件中有 2 行有误')
    expect(alert.findAll('li').map((li) => li.text())).toEqual([
      '第 3 行 · 层级 “省”不是可用的值，应为：市/city, 区县/district, 乡镇/township。',
      '第 7 行 · 姓名 该代表已在名册中（姓名、届次、选区相同）。',
    ])
    expect(lists).toBe(1)
  })

  it('says how many were added and reads the list again', async () => {
    let lists = 0
    mockFetch({
      [`GET ${D}`]: () => ((lists += 1), { body: { items: lists > 1 ? [{ id: 'd1', tenant_id: 't', name: '王芳', level: 'district', status: 'active' }] : [] } }),
      [`POST ${D}/import`]: () => ({ status: 201, body: { created: 1 } }),
    })
    const w = await mountView()
    await choose(w, 'roll.xlsx')
    expect(w.find('[data-testid="import-done"]').text()).toContain('已导入 1 名代表')
    expect(lists).toBe(2)
    expect(w.text()).toContain('王芳')
  })
})

describe('importProblems', () => {
  it('names rows, fields, header columns, in English too', () => {
    switchLanguage('en')
    const t = (k: string, p?: Record<string, unknown>) => i18n.global.t(k, p ?? {})
    expect(importProblems([
      { pointer: '#/rows/11/I', detail: 'x' }, { pointer: '#/header/C', detail: 'y' }, { pointer: '#/header', detail: 'z' }, { pointer: '#/rows/2/phone', detail: 'w' },
    ], t).map((p) => p.where)).toEqual(['Header · column C', 'Header', 'Row 2 · Phone', 'Row 11 · column I'])
  })
})
