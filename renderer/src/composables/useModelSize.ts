// The size of the network a form describes (parameters, multiply-adds per image), asked of main as the
// user changes options: debounced, and a late answer for an older choice never replaces a newer one.
import { onScopeDispose, ref, watch, type Ref } from 'vue'
import type { ModelDescription, Params } from '../../../contract'
import { call } from '../api/client'

export type ModelChoice = Params<'describeModel'>

const DEBOUNCE_MS = 150

export function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`
  return String(value)
}

export function useModelSize(choice: Ref<ModelChoice | null>) {
  const description = ref<ModelDescription | null>(null)
  const error = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0

  watch(
    () => JSON.stringify(choice.value),
    () => {
      clearTimeout(timer)
      const mine = ++generation
      const params = choice.value
      if (!params) {
        description.value = null
        return
      }
      timer = setTimeout(async () => {
        try {
          const result = await call('describeModel', params)
          if (mine !== generation) return
          description.value = result
          error.value = null
        } catch (e) {
          if (mine !== generation) return
          description.value = null
          error.value = (e as Error).message
        }
      }, DEBOUNCE_MS)
    },
    { immediate: true }
  )
  onScopeDispose(() => clearTimeout(timer))

  return { description, error }
}
