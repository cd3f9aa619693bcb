// Saving a text file the user asked for: the native save dialog in the desktop app (`saveFile`), a
// browser download where the host has no dialogs (the web host answers 'unavailable').
import { ref } from 'vue'
import { ApiError, call } from '../api/client'

export type SaveOutcome = { kind: 'saved'; path: string } | { kind: 'downloaded'; fileName: string } | { kind: 'cancelled' }

/** Hands `text` to the browser as a download named `fileName`. */
export function downloadText(fileName: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // the download has taken its copy once click() returns; the URL can go
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export async function saveText(fileName: string, text: string): Promise<SaveOutcome> {
  try {
    const { path } = await call('saveFile', {
      suggestedName: fileName,
      content: text,
      filters: [{ name: 'CSV', extensions: ['csv'] }]
    })
    return path ? { kind: 'saved', path } : { kind: 'cancelled' }
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'unavailable') throw error
    downloadText(fileName, text)
    return { kind: 'downloaded', fileName }
  }
}

/** `save(fileName, text)` with a busy flag and a line saying where it went, for an export button. */
export function useCsvExport() {
  const busy = ref(false)
  const message = ref<string | null>(null)
  const error = ref<string | null>(null)

  async function save(produce: () => Promise<{ fileName: string; csv: string }>): Promise<SaveOutcome | null> {
    busy.value = true
    error.value = null
    message.value = null
    try {
      const file = await produce()
      const outcome = await saveText(file.fileName, file.csv)
      message.value =
        outcome.kind === 'saved' ? `Saved ${outcome.path}` : outcome.kind === 'downloaded' ? `Downloaded ${outcome.fileName}` : null
      return outcome
    } catch (e) {
      error.value = (e as Error).message
      return null
    } finally {
      busy.value = false
    }
  }

  return { busy, message, error, save }
}
