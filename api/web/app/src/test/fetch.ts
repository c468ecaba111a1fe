import { vi } from 'vitest'

export interface Call { method: string; url: string; body?: unknown; headers: Record<string, string> }

// mockFetch answers fetch calls from a table of "METHOD /path" → handler
// (the path without the query), recording every call.
export function mockFetch(routes: Record<string, (call: Call) => { status?: number; body?: unknown; problem?: boolean }>) {
  const calls: Call[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    const method = init?.method ?? 'GET'
    let body: unknown
    if (typeof init?.body === 'string') body = JSON.parse(init.body)
    const call = { method, url, body, headers: (init?.headers ?? {}) as Record<string, string> }
    calls.push(call)
    const key = `${method} ${url.split('?')[0]}`
    const h = routes[key]
    if (!h) return new Response(JSON.stringify({ status: 404, title: 'Not Found', detail: `no route ${key}` }), { status: 404, headers: { 'Content-Type': 'application/problem+json' } })
    const r = h(call)
    const status = r.status ?? 200
    return new Response(status === 204 ? null : JSON.stringify(r.body ?? {}), {
      status, headers: { 'Content-Type': r.problem ? 'application/problem+json' : 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fn)
  return calls
}
