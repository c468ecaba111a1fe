import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'
import { setLanguage } from './api'

export type Lang = 'zh-CN' | 'en'

const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('renda.lang') : null
const initial: Lang = stored === 'en' ? 'en' : 'zh-CN'
setLanguage(initial)

export const i18n = createI18n({
  legacy: false,
  locale: initial,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

// switchLanguage changes the UI's language and the API's (Accept-Language).
export function switchLanguage(lang: Lang) {
  i18n.global.locale.value = lang
  setLanguage(lang)
  localStorage.setItem('renda.lang', lang)
  document.documentElement.lang = lang
}
