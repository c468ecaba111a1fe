import type { ProblemField } from '../../api'

// ImportProblem is one problem of an imported file, said where it is in
// the file: "Row 12 · Level", "Header · column C".
export interface ImportProblem {
  row?: number
  where: string
  detail: string
}

type Translate = (key: string, params?: Record<string, unknown>) => string

const fields = ['name', 'gender', 'level', 'delegation', 'constituency', 'term', 'occupation', 'phone', 'email', 'status']

// importProblems turns the API's errors[] for an import (pointers
// "#/rows/{row}/{field}", "#/header/{column}", "#/header") into lines for
// the user, in file order.
export function importProblems(errors: ProblemField[], t: Translate): ImportProblem[] {
  const out: ImportProblem[] = errors.map((e) => {
    const [part, n, cell] = e.pointer.replace(/^#?\//, '').split('/')
    if (part === 'rows' && n) {
      const row = Number(n)
      const what = cell && fields.includes(cell) ? t(`deputies.fields.${cell}`) : cell ? t('deputies.column', { c: cell }) : ''
      return { row, where: [t('deputies.row', { n: row }), what].filter(Boolean).join(' · '), detail: e.detail }
    }
    if (part === 'header') {
      return { row: 1, where: [t('deputies.header'), n ? t('deputies.column', { c: n }) : ''].filter(Boolean).join(' · '), detail: e.detail }
    }
    return { where: '', detail: e.detail }
  })
  return out.sort((a, b) => (a.row ?? 0) - (b.row ?? 0))
}
