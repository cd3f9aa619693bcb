// Where "open in the editor" goes: the Annotate view at a person, with a joint selected.
// Query as the Annotate view reads it (views/AnnotateView.vue): image (id), person (id), joint (MPII
// index), and set (a prediction set whose checkpoint's predictions the editor then shows).
import type { RouteLocationRaw } from 'vue-router'

export function annotateLink(target: { imageId: number; personId?: number; joint?: number | null; setId?: number }): RouteLocationRaw {
  const query: Record<string, string> = { image: String(target.imageId) }
  if (target.personId !== undefined) query.person = String(target.personId)
  if (target.joint !== undefined && target.joint !== null) query.joint = String(target.joint)
  if (target.setId !== undefined) query.set = String(target.setId)
  return { path: '/annotate', query }
}
