import { reactive } from 'vue'
import { api, ApiError } from './api'
import type { Label, PageDef } from './vocab/types'

export interface Tenant {
  id: string
  slug: string
  level: 'city' | 'district' | 'county' | 'township' | string
  parent_id?: string
  division_code: string
  name_zh: string
  name_en: string
  status: string
  created_at: string
}

export interface Me {
  user_id: string
  username: string
  display_name: string
  kind: string
  deputy_id?: string
  tenant: Tenant
  roles: string[]
  platform_admin: boolean
  // permissions ("object:action", scene permissions "scene-id/object:action")
  // when the API lists them.
  permissions?: string[]
}

// DiscoveredScene is a scene the congress runs, with the pages the caller
// may see.
export interface DiscoveredScene {
  id: string
  version: string
  title: Label
  description?: Label
  // permissions are the scene's permissions ("issues:manage") the caller
  // holds.
  permissions?: string[]
  pages: PageDef[]
}

export const session = reactive({
  me: null as Me | null,
  tenant: '' as string,
  scenes: [] as DiscoveredScene[],
  scenesError: '' as string,
})

const homeKey = 'renda.home'

// homeTenant is the congress the user last signed in to.
export function homeTenant(): string {
  return localStorage.getItem(homeKey) ?? ''
}

export async function login(tenant: string, username: string, password: string) {
  await api.post(`/t/${encodeURIComponent(tenant)}/auth/login`, { username, password })
  localStorage.setItem(homeKey, tenant)
  await load(tenant)
}

export async function logout() {
  const t = session.me?.tenant.slug ?? session.tenant
  try {
    if (t) await api.post(`/t/${encodeURIComponent(t)}/auth/logout`)
  } finally {
    session.me = null
    session.scenes = []
  }
}

// load reads who the user is and the scenes of their congress.
export async function load(tenant: string) {
  session.me = await api.get<Me>(`/t/${encodeURIComponent(tenant)}/auth/me`)
  session.tenant = session.me.tenant.slug
  await loadScenes()
}

// loadScenes asks the congress which scenes it runs and which of their
// pages the caller may see (the discovery route).
export async function loadScenes() {
  session.scenesError = ''
  try {
    const res = await api.get<{ items: DiscoveredScene[] }>(`/t/${encodeURIComponent(session.tenant)}/scene-pages`)
    session.scenes = (res.items ?? []).map((s) => ({ ...s, pages: s.pages ?? [] }))
  } catch (e) {
    session.scenes = []
    if (e instanceof ApiError && e.status !== 404) session.scenesError = e.message
  }
}

export function hasRole(...roles: string[]): boolean {
  return !!session.me?.roles.some((r) => roles.includes(r))
}

export const isPlatform = () => !!session.me?.platform_admin
export const isAdmin = () => hasRole('tenant_admin')
export const isStaff = () => hasRole('tenant_admin', 'staff')
export const isDeputy = () => !!session.me?.deputy_id || hasRole('deputy')

// can says whether the caller holds a permission; when the API does not
// list permissions, roles decide for core objects and scenes are allowed
// (the host hides what the caller may not see).
export function can(perm: string): boolean {
  const me = session.me
  if (!me) return false
  if (me.permissions) return me.permissions.includes(perm) || me.permissions.includes('*:*')
  return true
}

// canScene checks a scene permission ("issues:manage") of a scene.
export function canScene(scene: string, perm: string): boolean {
  const s = session.scenes.find((x) => x.id === scene)
  if (!s?.permissions) return true
  return s.permissions.includes(perm)
}
