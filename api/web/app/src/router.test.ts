import { afterEach, describe, expect, it, vi } from 'vitest'
import { mockFetch } from './test/fetch'
import { session, type Me } from './session'
import { router } from './router'

afterEach(() => {
  vi.unstubAllGlobals()
  session.me = null
})

describe('the router', () => {
  it("tells a signed-in user a congress is not theirs to see, rather than offering its login", async () => {
    session.me = { user_id: 'u', username: 'haishu-staff', display_name: '吴敏', kind: 'human', roles: ['staff'], tenant: { slug: 'haishu' } } as unknown as Me
    session.tenant = 'haishu'
    mockFetch({
      'GET /api/v1/t/jiangbei/auth/me': () => ({ status: 403, problem: true, body: { status: 403, title: 'Forbidden', code: 'auth.wrong_tenant' } }),
      'GET /api/v1/t/nowhere/auth/me': () => ({ status: 401, problem: true, body: { status: 401, title: 'Unauthorized' } }),
    })
    await router.push('/t/jiangbei/users')
    expect(router.currentRoute.value.name).toBe('forbidden')
    await router.push('/t/nowhere/users')
    expect(router.currentRoute.value.name).toBe('login')
  })
})
