import { ref } from 'vue'
import { ApiError } from '../api'
import { i18n } from '../i18n'

// messageOf is what to tell the user about a failed call, in their
// language: the API's own detail (it answers in Accept-Language), else a
// message by status.
export function messageOf(e: unknown): string {
  const t = i18n.global.t
  if (e instanceof ApiError) {
    if (e.status === 0) return t('errors.network')
    if (e.problem.detail) return e.problem.detail
    if (e.problem.title) return e.problem.title
    if (e.status === 403) return t('errors.forbidden')
    if (e.status === 404) return t('errors.notFound')
    if (e.status >= 500) return t('errors.server')
  }
  return t('errors.generic')
}

// useProblems holds a form's error state: a message and per-field ones.
export function useProblems() {
  const error = ref('')
  const errors = ref<Record<string, string>>({})
  function reset() {
    error.value = ''
    errors.value = {}
  }
  function fail(e: unknown) {
    error.value = messageOf(e)
    errors.value = e instanceof ApiError ? e.paths : {}
  }
  return { error, errors, reset, fail }
}
