// Projects: the recent list, creating and opening one. Opening goes through main, which then pushes
// the new status to the system store.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { ref } from 'vue'
import type { ProjectSummary } from '../../../contract'
import { call } from '../api/client'

export const useProjectsStore = defineStore('projects', () => {
  const recent = ref<ProjectSummary[]>([])
  const current = ref<ProjectSummary | null>(null)
  const busy = ref(false)

  async function load(): Promise<void> {
    const list = await call('listProjects', {})
    recent.value = list.recent
    current.value = list.current
  }

  async function open(path: string): Promise<ProjectSummary> {
    busy.value = true
    try {
      current.value = await call('openProject', { path })
      await load()
      return current.value
    } finally {
      busy.value = false
    }
  }

  async function create(name: string, path?: string): Promise<ProjectSummary> {
    busy.value = true
    try {
      current.value = await call('createProject', { name, path })
      await load()
      return current.value
    } finally {
      busy.value = false
    }
  }

  return { recent, current, busy, load, open, create }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useProjectsStore, import.meta.hot))
