import { reactive } from 'vue'
import { api } from './api'

// Congress is a congress as anyone may see it (GET /congresses).
export interface Congress {
  slug: string
  name_zh: string
  name_en: string
  level: string
  parent?: string
}

// congresses is the tree of active congresses, read once.
export const congresses = reactive({ items: [] as Congress[], loaded: false })

let pending: Promise<void> | null = null

// loadCongresses reads the list (once; again after a failure).
export function loadCongresses(): Promise<void> {
  pending ??= api.get<{ items: Congress[] }>('/congresses').then(
    (res) => {
      congresses.items = res.items ?? []
      congresses.loaded = true
    },
    () => {
      pending = null
    },
  )
  return pending
}

// below lists the congresses under slug, at any depth, in tree order.
export function below(slug: string): Congress[] {
  const out: Congress[] = []
  const walk = (p: string) => {
    for (const c of congresses.items) {
      if (c.parent === p) {
        out.push(c)
        walk(c.slug)
      }
    }
  }
  walk(slug)
  return out
}

// congressName is a congress's name in the user's language, or its slug.
export function congressName(slug: string, locale: string): string {
  const c = congresses.items.find((x) => x.slug === slug)
  if (!c) return slug
  return locale.startsWith('en') ? c.name_en || c.name_zh : c.name_zh
}
