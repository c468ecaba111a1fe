import type { PageDef, SceneContext } from './types'

// A manifest's pages in the shape the discovery route serves them: an
// issue-supervision-like scene with one page of each kind.
const L = (zh: string, en: string) => ({ zh, en })

export const pages: PageDef[] = [
  {
    id: 'issues', title: L('督事列表', 'Issues'), kind: 'list', menu: true, audience: ['staff'],
    list: {
      source: 'GET /issues?sort=-created_at', items: 'items', cursor: 'next_cursor', search: 'q',
      columns: [
        { field: 'description', title: L('问题', 'Problem'), type: 'text', link: 'issue' },
        { field: 'status', title: L('状态', 'Status'), type: 'status', options: [{ value: 'submitted', title: L('已提交', 'Submitted') }] },
        { field: 'worker.name', title: L('网格员', 'Grid worker'), type: 'text' },
        { field: 'due_at', title: L('期限', 'Due'), type: 'time' },
      ],
      filters: [{ param: 'status', title: L('状态', 'Status'), type: 'select', options: [{ value: 'submitted', title: L('已提交', 'Submitted') }, { value: 'closed', title: L('已办结', 'Closed') }] }],
      actions: [],
      row_actions: [
        { id: 'accept', title: L('受理', 'Accept'), call: 'POST /issues/{id}/actions', body: { action: 'accept' }, visible_if: { field: 'status', in: ['submitted'] } },
        { id: 'reopen', title: L('重新打开', 'Reopen'), call: 'POST /issues/{id}/actions', body: { action: 'reopen' }, visible_if: { field: 'status', in: ['closed'] } },
      ],
      empty: L('还没有督事', 'No issues yet'),
    },
  },
  {
    id: 'issue', title: L('督事详情', 'Issue'), kind: 'detail', menu: false, audience: ['staff', 'deputy'],
    detail: {
      source: 'GET /issues/{id}', title_field: 'description',
      fields: [
        { field: 'status', title: L('状态', 'Status'), type: 'status', options: [{ value: 'dispatched', title: L('已派单', 'Dispatched') }] },
        { field: 'worker.name', title: L('网格员', 'Grid worker'), type: 'text' },
        { field: 'urgent', title: L('紧急', 'Urgent'), type: 'bool' },
      ],
      timeline: { field: 'timeline', at: 'at', actor: 'name', state: 'to', note: 'note', action: 'action',
        options: [{ value: 'report', title: L('报告', 'Reported') }, { value: 'dispatched', title: L('已派单', 'Dispatched') }] },
      attachments: [{ field: 'photos', source: 'GET /photos/{id}' }],
      map: { lat: 'lat', lng: 'lng', label: 'address' },
      actions: [
        { id: 'close', title: L('办结', 'Close'), call: 'POST /issues/{id}/actions', body: { action: 'close' }, danger: true,
          confirm: L('确定办结这件督事吗？', 'Close this issue?'), visible_if: { field: 'status', in: ['dispatched'] } },
      ],
    },
  },
  {
    id: 'report', title: L('报告问题', 'Report a problem'), kind: 'form', menu: true, audience: ['deputy'],
    form: {
      submit: 'POST /issues',
      schema: {
        type: 'object', required: ['category', 'description', 'lat', 'lng'],
        properties: {
          category: { type: 'string', enum: ['tree', 'manhole'] },
          description: { type: 'string', maxLength: 500 },
          lat: { type: 'number' }, lng: { type: 'number' },
          address: { type: 'string' },
          photos: { type: 'array', items: { type: 'string' }, maxItems: 6 },
          urgent: { type: 'boolean' },
        },
      },
      ui: {
        category: { widget: 'radio', title: L('类别', 'Category'), order: 1, options: [{ value: 'tree', title: L('树木倒伏', 'Fallen tree') }, { value: 'manhole', title: L('井盖缺失', 'Missing manhole cover') }] },
        description: { widget: 'textarea', title: L('问题描述', 'Description'), order: 2 },
        lat: { widget: 'map', title: L('位置', 'Location'), order: 3, lat: 'lat', lng: 'lng' },
        photos: { widget: 'photos', title: L('照片', 'Photos'), upload: 'POST /photos', order: 4 },
        address: { title: L('地址', 'Address'), order: 5 },
        urgent: { title: L('紧急', 'Urgent'), order: 6 },
      },
      then: 'issue',
    },
  },
  {
    id: 'stats', title: L('督事统计', 'Figures'), kind: 'dashboard', menu: true, audience: ['staff', 'platform'],
    dashboard: {
      cards: [
        { title: L('总数', 'Total'), source: 'GET /stats', field: 'total', format: 'number' },
        { title: L('按期办结率', 'On time'), source: 'GET /stats', field: 'on_time_rate', format: 'percent' },
        { title: L('办理天数中位数', 'Median days'), source: 'GET /stats', field: 'median_days', format: 'days' },
      ],
      charts: [{ title: L('按类别', 'By category'), source: 'GET /stats', type: 'bar', items: 'by_category', x: 'title', y: 'count' }],
    },
  },
]

export const ctx = (over: Partial<SceneContext> = {}): SceneContext => ({ tenant: 'haishu', scene: 'renda.issue-supervision', pages, ...over })

export const byID = (id: string) => pages.find((p) => p.id === id)!
