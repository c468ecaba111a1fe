import type { JSONSchema, Widget } from './types'
import { matches, text } from './util'

export function typeOf(s: JSONSchema): string {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null') ?? 'string'
  if (s.type) return s.type
  if (s.properties) return 'object'
  if (s.enum) return typeof s.enum[0] === 'number' ? 'number' : 'string'
  return 'string'
}

// orderedProperties lists an object schema's properties, ui.order first,
// then the schema's own order.
export function orderedProperties(s: JSONSchema, ui?: Record<string, Widget>): string[] {
  const names = Object.keys(s.properties ?? {})
  return names
    .map((n, i) => ({ n, i, o: ui?.[n]?.order ?? 1000 }))
    .sort((a, b) => a.o - b.o || a.i - b.i)
    .map((x) => x.n)
}

// humanize makes a label of a property name when the schema gives none.
export function humanize(name: string): string {
  const s = name.replace(/_/g, ' ')
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export function labelOf(name: string, s: JSONSchema, w: Widget | undefined, locale: string): string {
  return text(w?.title, locale) || text(s.title as never, locale) || humanize(name)
}

// initial is a value with the schema's defaults filled in.
export function initial(s: JSONSchema, value?: unknown): unknown {
  const t = typeOf(s)
  if (t === 'object' && s.properties) {
    const v = (value && typeof value === 'object' ? { ...(value as object) } : {}) as Record<string, unknown>
    for (const [k, ps] of Object.entries(s.properties)) {
      if (v[k] === undefined) {
        const d = initial(ps)
        if (d !== undefined) v[k] = d
      } else if (typeOf(ps) === 'object') {
        v[k] = initial(ps, v[k])
      }
    }
    return v
  }
  if (value !== undefined) return value
  if (s.default !== undefined) return structuredClone(s.default)
  if (t === 'object') return {}
  if (t === 'array') return undefined
  return undefined
}

// prune drops empty strings and empty optional values before sending, so
// an untouched optional field is absent rather than "".
export function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      if (x === '' || x === null || x === undefined) continue
      out[k] = prune(x)
    }
    return out
  }
  return v
}

// shownValue keeps the properties of a form's value that are shown for
// the record (visible_if), so that hidden ones are not sent.
export function shownValue(s: JSONSchema, ui: Record<string, Widget> | undefined, v: Record<string, unknown>, record: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    const w = ui?.[k]
    if (w?.visible_if && !matches(w.visible_if, record)) continue
    out[k] = x
  }
  return out
}

// missingRequired lists the dotted paths of required top-level fields
// that are empty, for checking before a call.
export function missingRequired(s: JSONSchema, v: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = []
  for (const name of s.required ?? []) {
    const x = v?.[name]
    if (x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0)) out.push(prefix + name)
  }
  return out
}
