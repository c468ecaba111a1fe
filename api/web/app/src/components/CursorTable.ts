import { ref, type Ref } from 'vue'
import { api, type Page } from '../api'
import { messageOf } from '../vocab/problems'

// useCursor pages through a cursor-paginated core list ("load more").
export function useCursor<T>(path: () => string, query: () => Record<string, string | number | undefined>) {
  const rows = ref<T[]>([]) as Ref<T[]>
  const cursor = ref('')
  const loading = ref(false)
  const error = ref('')
  let seq = 0
  async function load(more = false) {
    const my = ++seq
    loading.value = true
    error.value = ''
    try {
      const res = await api.get<Page<T>>(path(), { ...query(), cursor: more ? cursor.value : undefined })
      if (my !== seq) return
      rows.value = more ? [...rows.value, ...res.items] : res.items
      cursor.value = res.next_cursor ?? ''
    } catch (e) {
      if (my === seq) error.value = messageOf(e)
    } finally {
      if (my === seq) loading.value = false
    }
  }
  return { rows, cursor, loading, error, load }
}
