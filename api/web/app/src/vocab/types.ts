// The page vocabulary as the API serves it (plugins/scene/pages.go,
// documented in plugins/README.md): a scene declares its pages as data and
// these components render them.

export interface Label {
  zh: string
  en: string
}

export type ValueType = 'text' | 'status' | 'time' | 'date' | 'money' | 'number' | 'tag' | 'bool'

export interface Option {
  value: string
  title: Label
}

export interface Column {
  field: string
  title: Label
  type: ValueType
  link?: string
  options?: Option[]
}

export interface ListFilter {
  param: string
  title: Label
  type: 'select' | 'text' | 'date'
  options?: Option[]
}

export interface Condition {
  field: string
  in: unknown[]
}

export interface JSONSchema {
  type?: string | string[]
  title?: string | Label
  description?: string | Label
  properties?: Record<string, JSONSchema>
  required?: string[]
  items?: JSONSchema
  enum?: unknown[]
  const?: unknown
  default?: unknown
  format?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  maxItems?: number
  pattern?: string
  additionalProperties?: boolean | JSONSchema
  writeOnly?: boolean
}

// Items are the values a widget offers, read from a scene route
// ({field}s from the form's record).
export interface Items {
  source: string
  items?: string
  value?: string
  label?: string
  note?: string
  if?: Condition
  in?: string
}

export interface Widget {
  widget?: 'textarea' | 'select' | 'radio' | 'date' | 'datetime' | 'map' | 'photos' | 'money' | 'hidden' | 'choices' | 'checklist'
  title?: Label
  placeholder?: Label
  order?: number
  upload?: string
  options?: Option[]
  lat?: string
  lng?: string
  address?: string
  items?: Items
  max?: string
  visible_if?: Condition
  properties?: Record<string, Widget>
}

export interface ActionForm {
  schema: JSONSchema
  ui?: Record<string, Widget>
  source?: string
}

export interface ActionResult {
  title: Label
  note?: Label
  fields: DetailField[]
}

export interface Action {
  id: string
  title: Label
  call?: string
  page?: string
  params?: Record<string, string>
  body?: Record<string, unknown>
  form?: ActionForm
  confirm?: Label
  permission?: string
  visible_if?: Condition
  danger?: boolean
  result?: ActionResult
}

export interface ListSpec {
  source: string
  items: string
  cursor: string
  search?: string
  columns: Column[]
  filters: ListFilter[]
  actions: Action[]
  row_actions: Action[]
  empty?: Label
}

export interface DetailField {
  field: string
  title: Label
  type: ValueType
  options?: Option[]
}

export interface TimelineSpec {
  field: string
  at: string
  actor: string
  state: string
  note: string
  action?: string
  options?: Option[]
}

export interface DetailSpec {
  source: string
  title_field: string
  fields: DetailField[]
  timeline?: TimelineSpec
  // attachments are groups of files; scenes built with an earlier SDK send
  // one group as an object (see attachmentGroups).
  attachments?: Attachments[]
  map?: { lat: string; lng: string; label?: string }
  tables?: Table[]
  actions: Action[]
}

// Attachments is one group of a record's files, shown under its title.
// tenant names the record's key holding the slug of the congress the files
// belong to (a district's, for a record read city-wide); when it is empty
// or absent there, the files are the page's congress's.
export interface Attachments {
  field: string
  title?: Label
  source?: string
  tenant?: string
}

export interface Table {
  field: string
  title: Label
  columns: Column[]
  empty?: Label
}

export interface FormSpec {
  submit: string
  schema: JSONSchema
  ui?: Record<string, Widget>
  then?: string
}

export interface Card {
  title: Label
  source: string
  field: string
  format?: 'number' | 'percent' | 'days'
}

export interface Chart {
  title: Label
  source: string
  type: 'bar' | 'line' | 'pie'
  items?: string
  x: string
  y: string
  series?: string
}

export interface DashboardSpec {
  cards: Card[]
  charts: Chart[]
}

export interface PageDef {
  id: string
  title: Label
  kind: 'list' | 'detail' | 'form' | 'dashboard'
  permission?: string
  menu: boolean
  audience: ('staff' | 'deputy' | 'platform')[]
  // public: anyone may open it without signing in (/p/{tenant}/scenes/…)
  public?: boolean
  list?: ListSpec
  detail?: DetailSpec
  form?: FormSpec
  dashboard?: DashboardSpec
}

// SceneContext is where a page's routes go: the addressed congress, the
// scene, and whether reads span the congresses below (?scope=descendants).
export interface SceneContext {
  tenant: string
  scene: string
  scope?: 'descendants'
  pages: PageDef[]
  // can says whether the caller holds a scene permission ("issues:manage");
  // unknown permissions are allowed (the host hides what is not).
  can?: (perm: string) => boolean
  // public: the page is shown to anyone, without a session; its links
  // open the public routes.
  public?: boolean
  // readOnly: the congress is one below the user's own, which may read it
  // but not act in it; actions that call the scene are hidden.
  readOnly?: boolean
}

// pageRoute is the router's name for a scene page in this context.
export const pageRoute = (ctx: SceneContext) => (ctx.public ? 'public-scene-page' : 'scene-page')
