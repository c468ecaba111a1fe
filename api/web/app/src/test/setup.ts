import { config } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../i18n'

config.global.plugins = [i18n, ElementPlus]

// jsdom lacks these; Element Plus and ECharts ask for them.
class RO {
  observe() {}
  unobserve() {}
  disconnect() {}
}
;(globalThis as unknown as { ResizeObserver: typeof RO }).ResizeObserver ??= RO
window.matchMedia ??= ((q: string) => ({ matches: false, media: q, onchange: null, addListener() {}, removeListener() {},
  addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false })) as unknown as typeof window.matchMedia
