// Which image a person of an evaluation is on. Evaluation results name people by id and image file
// name (contract/eval.ts); the editor and the canvases need the image's id, found through the
// dataset's name search and kept per project, since a person never moves to another image.
import { call } from '../api/client'
import { useSystemStore } from '../stores/system'

const imageIds = new Map<string, Promise<number>>()

export function imageIdOfPerson(personId: number, imageName: string | undefined): Promise<number> {
  const key = `${useSystemStore().project?.id ?? ''}:${personId}`
  let pending = imageIds.get(key)
  if (!pending) {
    pending = (async () => {
      if (!imageName) throw new Error(`person ${personId} has no image name to look up`)
      const page = await call('listImages', { filter: { search: imageName }, limit: 50, withPeople: true })
      const image = page.images.find((i) => i.name === imageName && i.people?.some((p) => p.id === personId))
      if (!image) throw new Error(`image ${imageName} (person ${personId}) is not in the project`)
      return image.id
    })()
    pending.catch(() => imageIds.delete(key))
    imageIds.set(key, pending)
  }
  return pending
}
