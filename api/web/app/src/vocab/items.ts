// Values a widget offers when they are records read from a scene route
// (Widget.items): the candidates of a round, say. A form shares one
// loader, so its fields and its review read each route once.
import { inject, provide, type ComputedRef, type InjectionKey } from 'vue'
import { api } from '../api'
import type { Items, JSONSchema, Widget } from './types'
import { getPath, matches, parseRoute, sceneURL } from './util'

export interface ItemOption {
  value: string
  label: string
  note?: string
}

// loadItems reads it.source ({field}s from the form's record) and lists
// its entries as options: only those matching `if`, and when `in` names
// an array of the record, those values in its order.
export async function loadItems(it: Items, record: unknown, tenant: string, scene: string): Promise<ItemOption[]> {
  const r = parseRoute(it.source, record)
  const res = await api.get<unknown>(sceneURL(tenant, scene, r.path), r.query)
  let rows = (getPath(res, it.items || 'items') as unknown[]) ?? []
  if (!Array.isArray(rows)) rows = []
  if (it.if) rows = rows.filter((x) => matches(it.if, x))
  const value = it.value || 'id'
  const label = it.label || 'title'
  let out: ItemOption[] = rows.map((x) => ({
    value: String(getPath(x, value) ?? ''),
    label: String(getPath(x, label) ?? ''),
    note: it.note ? String(getPath(x, it.note) ?? '') : undefined,
  }))
  if (it.in) {
    const order = getPath(record, it.in)
    const by = new Map(out.map((o) => [o.value, o]))
    out = (Array.isArray(order) ? order : []).map((v) => by.get(String(v))).filter((o): o is ItemOption => !!o)
  }
  return out
}

// FormContext is what a form's widgets read besides the schema: the
// form's record (for visible_if, max and items) and the items loader.
export interface FormContext {
  record: ComputedRef<unknown>
  items: (it: Items) => Promise<ItemOption[]>
}

const key: InjectionKey<FormContext> = Symbol('vocab-form')

export function provideFormContext(ctx: FormContext) {
  provide(key, ctx)
}

export function useFormContext(): FormContext | undefined {
  return inject(key, undefined)
}

// cachedLoader loads each route once per form.
export function cachedLoader(tenant: string, scene: string, record: () => unknown): (it: Items) => Promise<ItemOption[]> {
  const cache = new Map<string, Promise<ItemOption[]>>()
  return (it: Items) => {
    const k = JSON.stringify(it)
    let p = cache.get(k)
    if (!p) {
      p = loadItems(it, record(), tenant, scene)
      p.catch(() => cache.delete(k))
      cache.set(k, p)
    }
    return p
  }
}

// shownProperties lists the properties of an object schema whose
// visible_if holds for the record (all of them when none is set).
export function shownProperties(s: JSONSchema, ui: Record<string, Widget> | undefined, record: unknown): string[] {
  return Object.keys(s.properties ?? {}).filter((n) => !ui?.[n]?.visible_if || matches(ui[n].visible_if, record))
}

// maxOf reads a checklist's limit: the record's field named by max, else
// the schema's maxItems.
export function maxOf(w: Widget | undefined, s: JSONSchema, record: unknown): number | undefined {
  if (w?.max) {
    const n = Number(getPath(record, w.max))
    if (Number.isFinite(n) && n > 0) return n
  }
  return s.maxItems
}
