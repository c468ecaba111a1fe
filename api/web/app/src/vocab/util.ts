import type { Attachments, Label, Option, ValueType } from './types'
import { i18n } from '../i18n'

const t = (key: string) => i18n.global.t(key)

// getPath reads a dotted path ("worker.name") of a record.
export function getPath(obj: unknown, path: string | undefined): unknown {
  if (!path) return obj
  let cur: unknown = obj
  for (const key of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined
    cur = (cur as Record<string, unknown>)[key]
  }
  return cur
}

export interface RouteCall {
  method: string
  path: string
  query: Record<string, string>
}

// parseRoute splits "METHOD /path?query" and fills {field} parameters from
// the record (URL-encoded). A parameter the record lacks is an error.
export function parseRoute(ref: string, record?: unknown, params?: Record<string, string>): RouteCall {
  const m = /^(GET|POST|PUT|PATCH|DELETE) (\/[^?\s]*)(?:\?(\S*))?$/.exec(ref.trim())
  if (!m) throw new Error(`bad route reference: ${ref}`)
  const path = m[2].replace(/\{([a-zA-Z0-9_.]+)\}/g, (_, key: string) => {
    const v = params?.[key] ?? getPath(record, key)
    if (v === undefined || v === null || v === '') throw new Error(`route ${ref}: no value for {${key}}`)
    return encodeURIComponent(String(v))
  })
  const query: Record<string, string> = {}
  if (m[3]) new URLSearchParams(m[3]).forEach((v, k) => (query[k] = v))
  return { method: m[1], path, query }
}

// sceneURL is the API path of a scene route for a congress.
export function sceneURL(tenant: string, scene: string, path: string): string {
  return `/t/${encodeURIComponent(tenant)}/scenes/${encodeURIComponent(scene)}${path}`
}

// sceneFileURL is the API path of a file a scene stored (a photo), which
// the host serves to the scene's users.
export function sceneFileURL(tenant: string, scene: string, id: string): string {
  return `/t/${encodeURIComponent(tenant)}/scene-files/${encodeURIComponent(scene)}/${encodeURIComponent(id)}`
}

// attachmentGroups lists a detail page's attachments groups, taking the
// single object scenes built with an earlier SDK send as one group.
export function attachmentGroups(a: Attachments[] | Attachments | undefined | null): Attachments[] {
  if (!a) return []
  return Array.isArray(a) ? a : [a]
}

export type Locale = 'zh-CN' | 'en'

// text picks the user's language of a bilingual label; plain strings pass.
export function text(l: Label | string | undefined | null, locale: string): string {
  if (!l) return ''
  if (typeof l === 'string') return l
  const rec = l as unknown as Record<string, string>
  if (locale.startsWith('en')) return rec.en || rec.zh || ''
  return rec.zh || rec['zh-CN'] || rec.en || ''
}

export function optionTitle(options: Option[] | undefined, value: unknown, locale: string): string | undefined {
  const o = options?.find((o) => o.value === String(value))
  return o ? text(o.title, locale) : undefined
}

const pad = (n: number) => String(n).padStart(2, '0')

export function formatTime(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return ''
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatDate(v: unknown): string {
  if (typeof v !== 'string' && typeof v !== 'number') return ''
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

export function formatNumber(v: unknown, locale: string, digits = 0): string {
  const n = typeof v === 'number' ? v : Number(v)
  if (v === null || v === undefined || v === '' || Number.isNaN(n)) return '—'
  return n.toLocaleString(locale.startsWith('en') ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits })
}

// formatValue renders a value of a column or field as text. Status and tag
// values use the options' titles; booleans are yes/no in the language.
export function formatValue(v: unknown, type: ValueType, locale: string, options?: Option[]): string {
  if (v === null || v === undefined || v === '') return '—'
  if (Array.isArray(v)) return v.map((x) => formatValue(x, type, locale, options)).join('、')
  if (typeof v === 'object') return text(v as Label, locale) || JSON.stringify(v)
  switch (type) {
    case 'time':
      return formatTime(v)
    case 'date':
      return formatDate(v)
    case 'money':
      return '¥' + formatNumber(v, locale, 2)
    case 'number':
      return formatNumber(v, locale, 2)
    case 'bool':
      return v === true || v === 'true' ? t('common.yes') : t('common.no')
    case 'status':
    case 'tag':
      return optionTitle(options, v, locale) ?? String(v)
  }
  return String(v)
}

// formatCard renders a dashboard figure.
export function formatCard(v: unknown, format: string | undefined, locale: string): string {
  if (v === null || v === undefined) return '—'
  switch (format) {
    case 'percent':
      return formatNumber(Number(v) * 100, locale, 1) + '%'
    case 'days':
      return formatNumber(v, locale, 1) + t('common.days')
  }
  return formatNumber(v, locale, 2)
}

// visible says whether a visible_if condition holds for a record.
export function matches(cond: { field: string; in: unknown[] } | undefined, record: unknown): boolean {
  if (!cond) return true
  const v = getPath(record, cond.field)
  return cond.in.some((x) => x === v || (x === null && v === undefined))
}
