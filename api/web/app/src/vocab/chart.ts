import type { Chart } from './types'
import { getPath, text } from './util'

const palette = ['#b71c1c', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#c2185b']

function label(v: unknown, locale: string): string {
  if (v && typeof v === 'object') return text(v as never, locale)
  return v === undefined || v === null ? '' : String(v)
}

// chartOption turns a chart spec and its route's response into an ECharts
// option: bar and line charts with a category axis (one series per Series
// value), pie charts of X → Y.
export function chartOption(chart: Chart, data: unknown, locale: string): Record<string, unknown> {
  const rows = ((chart.items ? getPath(data, chart.items) : data) as Record<string, unknown>[]) ?? []
  const list = Array.isArray(rows) ? rows : []
  const base = { color: palette, tooltip: { trigger: chart.type === 'pie' ? 'item' : 'axis' }, animation: false }
  if (chart.type === 'pie') {
    return {
      ...base,
      legend: { bottom: 0, type: 'scroll' },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: list.map((r) => ({ name: label(getPath(r, chart.x), locale), value: Number(getPath(r, chart.y) ?? 0) })) }],
    }
  }
  const xs: string[] = []
  for (const r of list) {
    const x = label(getPath(r, chart.x), locale)
    if (!xs.includes(x)) xs.push(x)
  }
  const groups = new Map<string, Map<string, number>>()
  for (const r of list) {
    const s = chart.series ? label(getPath(r, chart.series), locale) : ''
    if (!groups.has(s)) groups.set(s, new Map())
    groups.get(s)!.set(label(getPath(r, chart.x), locale), Number(getPath(r, chart.y) ?? 0))
  }
  return {
    ...base,
    legend: chart.series ? { top: 0, type: 'scroll' } : undefined,
    grid: { left: 8, right: 8, top: chart.series ? 32 : 12, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: xs, axisLabel: { interval: 0, rotate: xs.length > 6 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: [...groups.entries()].map(([name, m]) => ({
      name: name || undefined,
      type: chart.type,
      smooth: chart.type === 'line',
      data: xs.map((x) => m.get(x) ?? 0),
    })),
  }
}
