// The workbench as the renderer sees it: host status from main, the connection (web host), and the
// long tasks running anywhere (their progress events), so every view can show and cancel them.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Progress, Status } from '../../../contract'
import { api, call, onConnection } from '../api/client'
import type { ConnectionState } from '../api/web-client'

const FINISHED_TASK_LINGER_MS = 4000

export const useSystemStore = defineStore('system', () => {
  const status = ref<Status | null>(null)
  const connection = ref<ConnectionState>('connecting')
  const connectionReason = ref<string | undefined>()
  const tasks = ref<Progress[]>([])
  const loadError = ref<string | null>(null)

  const project = computed(() => status.value?.project ?? null)
  const availableBackends = computed(() => status.value?.backends.filter((b) => b.available) ?? [])
  const runningTasks = computed(() => tasks.value.filter((t) => t.state === 'running'))

  let started = false
  function start(): void {
    if (started) return
    started = true
    onConnection((state, reason) => {
      const reconnected = state === 'open' && connection.value !== 'open'
      connection.value = state
      connectionReason.value = reason
      if (reconnected) void refresh()
    })
    api().onStatusChanged((next) => (status.value = next))
    api().onProgress(trackTask)
    void refresh()
  }

  async function refresh(): Promise<void> {
    try {
      status.value = await call('status', {})
      loadError.value = null
    } catch (error) {
      loadError.value = (error as Error).message
    }
  }

  function trackTask(progress: Progress): void {
    const index = tasks.value.findIndex((t) => t.taskId === progress.taskId)
    if (index >= 0) tasks.value.splice(index, 1, progress)
    else tasks.value.push(progress)
    if (progress.state !== 'running') {
      setTimeout(() => (tasks.value = tasks.value.filter((t) => t.taskId !== progress.taskId)), FINISHED_TASK_LINGER_MS)
    }
  }

  async function cancelTask(taskId: string): Promise<void> {
    await call('cancelTask', { taskId })
  }

  return { status, connection, connectionReason, tasks, loadError, project, availableBackends, runningTasks, start, refresh, cancelTask }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useSystemStore, import.meta.hot))
