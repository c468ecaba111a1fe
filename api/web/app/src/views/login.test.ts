import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import { switchLanguage } from '../i18n'
import { mockFetch } from '../test/fetch'
import { session } from '../session'
import LoginView from './LoginView.vue'

const congresses = [
  { slug: 'ningbo', name_zh: '宁波市人大常委会', name_en: 'Ningbo', level: 'city' },
  { slug: 'haishu', name_zh: '海曙区人大常委会', name_en: 'Haishu', level: 'district', parent: 'ningbo' },
  { slug: 'gulou', name_zh: '鼓楼街道人大工委', name_en: 'Gulou', level: 'township', parent: 'haishu' },
  { slug: 'jiangbei', name_zh: '江北区人大常委会', name_en: 'Jiangbei', level: 'district', parent: 'ningbo' },
]

async function mountLogin() {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/login')
  const w = mount(LoginView, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

const options = () => [...document.body.querySelectorAll('.el-select-dropdown__item')].filter((o) => (o as HTMLElement).style.display !== 'none')

beforeEach(() => {
  switchLanguage('zh-CN')
  localStorage.clear()
})
afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
  document.body.innerHTML = ''
})

describe('login', () => {
  it('offers the congresses to search and choose, signs in to the one chosen and remembers it', async () => {
    const calls = mockFetch({
      'GET /api/v1/congresses': () => ({ body: { items: congresses } }),
      'POST /api/v1/t/jiangbei/auth/login': () => ({ body: { token: 'x' } }),
      'GET /api/v1/t/jiangbei/auth/me': () => ({ body: { user_id: 'u', username: 'jiangbei-staff', display_name: '黄晓燕', kind: 'human', roles: ['staff'],
        platform_admin: false, tenant: { slug: 'jiangbei', name_zh: '江北区人大常委会' } } }),
      'GET /api/v1/t/jiangbei/scene-pages': () => ({ body: { items: [] } }),
    })
    const { w, router } = await mountLogin()
    await w.find('#login-tenant').trigger('click')
    await flushPromises()
    expect(options().map((o) => o.textContent)).toEqual(['宁波市人大常委会ningbo', '海曙区人大常委会haishu', '鼓楼街道人大工委gulou', '江北区人大常委会jiangbei'])
    const input = w.find('#login-tenant')
    await input.setValue('江北')
    await flushPromises()
    expect(options().map((o) => o.textContent)).toEqual(['江北区人大常委会jiangbei'])
    ;(options()[0] as HTMLElement).click()
    await flushPromises()
    await w.find('#login-username').setValue('jiangbei-staff')
    await w.find('#login-password').setValue('Renda@2026demo')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')!.url).toBe('/api/v1/t/jiangbei/auth/login')
    expect(localStorage.getItem('renda.home')).toBe('jiangbei')
    expect(router.currentRoute.value.path).toBe('/t/jiangbei')
  })

  it('preselects the congress signed in to last, and falls back to typing the code without the list', async () => {
    localStorage.setItem('renda.home', 'haishu')
    mockFetch({ 'GET /api/v1/congresses': () => ({ body: { items: congresses } }) })
    let { w } = await mountLogin()
    expect(w.find('.login-select').text()).toContain('海曙区人大常委会')
    w.unmount()
    mockFetch({ 'GET /api/v1/congresses': () => ({ status: 500, problem: true, body: { status: 500, title: 'Internal Server Error' } }) })
    ;({ w } = await mountLogin())
    expect(w.find('.login-select').exists()).toBe(false)
    expect((w.find('#login-tenant').element as HTMLInputElement).value).toBe('haishu')
  })
})
