// The one way the app talks to the API: same-origin fetch with the session
// cookie, the user's language, the CSRF header on writes, and problem
// details (RFC 9457) turned into ApiError with per-field messages.

export interface ProblemField {
  pointer: string
  detail: string
  code?: string
}

export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
  errors?: ProblemField[]
}

export class ApiError extends Error {
  status: number
  problem: Problem
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`)
    this.status = problem.status
    this.problem = problem
  }
  // paths maps each invalid field's dotted path to its message.
  get paths(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.problem.errors ?? []) {
      const key = pathOf(e.pointer)
      if (!(key in out)) out[key] = e.detail
    }
    return out
  }
  // fields maps a JSON pointer's first segment ("/lat" → "lat",
  // "/photos/0" → "photos") to its message, for showing on form fields.
  get fields(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const e of this.problem.errors ?? []) {
      const key = fieldOf(e.pointer)
      if (!(key in out)) out[key] = e.detail
    }
    return out
  }
}

// pathOf turns a JSON pointer ("/grid/endpoint", "#/routes/0/category") or
// a path like "tenants[0]" into the dotted path a form keys fields by
// ("grid.endpoint", "routes.0.category", "tenants.0").
export function pathOf(pointer: string): string {
  return pointer
    .replace(/^#/, '')
    .replace(/\[(\d+)\]/g, '/$1')
    .split(/[/.]/)
    .filter((s) => s !== '')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

// fieldOf turns a JSON pointer or a path like "tenants[0]" into the name of
// the top-level property it points into.
export function fieldOf(pointer: string): string {
  const p = pointer.replace(/^#/, '').replace(/^\//, '')
  return p.split(/[/.[]/)[0] ?? ''
}

let language = 'zh-CN'

// setLanguage sets the Accept-Language every call sends.
export function setLanguage(lang: string) {
  language = lang
}

// CSRF: the API asks browsers for a header on state-changing calls.
export const csrfHeader = 'X-Renda-CSRF'
const csrfCookie = 'renda_csrf'

function csrfToken(): string {
  const m = document.cookie.match(new RegExp(`(?:^|; )${csrfCookie}=([^;]*)`))
  return m ? decodeURIComponent(m[1]) : '1'
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | null>
  body?: unknown
  // raw sends a Blob/File as is (photo uploads).
  raw?: Blob
  headers?: Record<string, string>
  signal?: AbortSignal
}

let onUnauthorized: (() => void) | null = null

// whenUnauthorized registers what to do when a call answers 401 (the
// session ended): the app sends the user to the login page.
export function whenUnauthorized(fn: () => void) {
  onUnauthorized = fn
}

export function buildURL(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api/') ? path : `/api/v1${path}`
  if (!query) return url
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  if (!qs) return url
  return url + (url.includes('?') ? '&' : '?') + qs
}

export async function request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { 'Accept-Language': language, Accept: 'application/json', ...opts.headers }
  let body: BodyInit | undefined
  if (opts.raw) {
    body = opts.raw
    headers['Content-Type'] = opts.raw.type || 'application/octet-stream'
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && method !== 'HEAD') headers[csrfHeader] = csrfToken()
  let res: Response
  try {
    res = await fetch(buildURL(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError({ status: 0, code: 'network', detail: '' })
  }
  if (res.status === 204) return undefined as T
  const type = res.headers.get('Content-Type') ?? ''
  if (!res.ok) {
    let problem: Problem = { status: res.status }
    if (type.includes('json')) {
      try {
        problem = { ...(await res.json()), status: res.status }
      } catch {
        // not JSON after all: keep the status
      }
    }
    if (res.status === 401 && onUnauthorized && !path.endsWith('/auth/login')) onUnauthorized()
    throw new ApiError(problem)
  }
  if (type.includes('json')) return (await res.json()) as T
  return (await res.blob()) as unknown as T
}

export const api = {
  get: <T = unknown>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T = unknown>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T = unknown>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T = unknown>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T = unknown>(path: string) => request<T>('DELETE', path),
  upload: <T = unknown>(path: string, file: Blob) => request<T>('POST', path, { raw: file }),
}

export interface Page<T> {
  items: T[]
  next_cursor?: string
}
