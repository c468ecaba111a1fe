import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('messages', () => {
  it('has the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })
  it('has no empty message', () => {
    for (const [name, m] of [['zh-CN', zhCN], ['en', en]] as const) {
      const flat = keys(m).map((k) => [k, k.split('.').reduce((o: any, s) => o[s], m)] as const)
      expect(flat.filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => `${name}:${k}`)).toEqual([])
    }
  })
})
