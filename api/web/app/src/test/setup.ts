import { config } from '@vue/test-utils'
import { i18n } from '../i18n'

// Element Plus components are imported by the files that use them (the
// build's component resolver runs in tests too); installing the whole
// library as well would load a second copy whose forms and form items do
// not see each other.
config.global.plugins = [i18n]

// jsdom lacks these; Element Plus and ECharts ask for them.
class RO {
  observe() {}
  unobserve() {}
  disconnect() {}
}
;(globalThis as unknown as { ResizeObserver: typeof RO }).ResizeObserver ??= RO
window.matchMedia ??= ((q: string) => ({ matches: false, media: q, onchange: null, addListener() {}, removeListener() {},
  addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false })) as unknown as typeof window.matchMedia
