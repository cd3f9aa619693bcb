// What the paired canvases of the Compare view need for one person: the image with its labelled people,
// the decoded picture, and each compared set's prediction for that person. A run's set is re-predicted
// from the checkpoint it was made with (`predictImage` on its origin folder, with its flip setting, so
// the skeleton drawn is the one that was scored, heatmaps included); an imported set has no network
// behind it and shows the labels only. Results are cached per person, and the next person is fetched
// ahead so stepping through the list does not wait.
import { ref, shallowRef, watch, type Ref } from 'vue'
import type { ImageDetail, PersonPrediction, PredictionSetInfo } from '../../../contract'
import { call } from '../api/client'

export interface PersonTarget {
  personId: number
  imageId: number
}

export interface SetPrediction {
  prediction: PersonPrediction | null
  /** Why there is none (an imported set, a checkpoint that is gone). */
  unavailable: string | null
}

export interface ComparedPerson {
  personId: number
  image: ImageDetail
  picture: HTMLImageElement
  sets: SetPrediction[]
}

const CACHE_LIMIT = 24

function loadPicture(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const picture = new Image()
    picture.onload = () => resolve(picture)
    picture.onerror = () => reject(new Error(`the image ${url} could not be loaded`))
    picture.src = url
  })
}

async function findImage(target: PersonTarget): Promise<ImageDetail> {
  return call('getImage', { imageId: target.imageId })
}

async function predictionOf(set: PredictionSetInfo, imageId: number, personId: number): Promise<SetPrediction> {
  if (set.kind !== 'run') return { prediction: null, unavailable: 'imported predictions: no network to draw them from' }
  try {
    const result = await call('predictImage', {
      imageId,
      personIds: [personId],
      source: { kind: 'checkpoint', path: set.origin },
      flip: set.flip,
      heatmaps: true
    })
    const prediction = result.people.find((p) => p.personId === personId) ?? null
    return { prediction, unavailable: prediction ? null : (result.skipped[0]?.reason ?? 'no prediction for this person') }
  } catch (error) {
    return { prediction: null, unavailable: (error as Error).message }
  }
}

export function useComparedPerson(target: Ref<PersonTarget | null>, sets: Ref<PredictionSetInfo[]>, next: Ref<PersonTarget | null>) {
  const current = shallowRef<ComparedPerson | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const cache = new Map<string, Promise<ComparedPerson>>()
  const pictures = new Map<string, Promise<HTMLImageElement>>()

  function keyOf(person: PersonTarget): string {
    return `${person.personId}:${sets.value.map((s) => s.id).join(',')}`
  }

  function fetchPerson(person: PersonTarget): Promise<ComparedPerson> {
    const key = keyOf(person)
    let pending = cache.get(key)
    if (!pending) {
      pending = (async () => {
        const image = await findImage(person)
        let picture = pictures.get(image.imageUrl)
        if (!picture) pictures.set(image.imageUrl, (picture = loadPicture(image.imageUrl)))
        // one after the other: the main side runs one network at a time anyway
        const predictions: SetPrediction[] = []
        for (const set of sets.value) predictions.push(await predictionOf(set, image.id, person.personId))
        return { personId: person.personId, image, picture: await picture, sets: predictions }
      })()
      pending.catch(() => cache.delete(key))
      cache.set(key, pending)
      if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!)
    }
    return pending
  }

  let generation = 0
  watch(
    [target, sets],
    async ([person]) => {
      const mine = ++generation
      error.value = null
      if (!person || sets.value.length === 0) {
        current.value = null
        return
      }
      loading.value = true
      try {
        const loaded = await fetchPerson(person)
        if (mine !== generation) return
        current.value = loaded
        if (next.value) void fetchPerson(next.value).catch(() => undefined)
      } catch (e) {
        if (mine === generation) {
          current.value = null
          error.value = (e as Error).message
        }
      } finally {
        if (mine === generation) loading.value = false
      }
    },
    { immediate: true }
  )

  return { current, loading, error }
}
