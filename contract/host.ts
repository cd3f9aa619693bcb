// What only some hosts can do: native file dialogs exist in the desktop app. Elsewhere these requests
// fail with code 'unavailable' and the renderer uses its own path picker or a browser download instead.
import { z } from 'zod'
import { request } from './define'

const FileFilterSchema = z.object({ name: z.string(), extensions: z.array(z.string()) })

export const hostRequests = {
  chooseFile: request(
    'Native open dialog (desktop app only). Resolves to null when the user cancels.',
    z.object({
      title: z.string().default('Choose'),
      kind: z.enum(['file', 'folder']).default('file'),
      filters: z.array(FileFilterSchema).default([])
    }),
    z.object({ path: z.string().nullable() })
  ),
  saveFile: request(
    'Native save dialog, then writes `content` there (desktop app only). Resolves to null when cancelled.',
    z.object({ suggestedName: z.string().min(1), content: z.string(), filters: z.array(FileFilterSchema).default([]) }),
    z.object({ path: z.string().nullable() })
  )
}
