// The image being annotated: its people and joints as main has them, the selection, the undo state and
// the selected person's history. Every edit goes to main at once (one transaction and revision there);
// the reply's person replaces ours. Moves and state changes show before the reply arrives, and are put
// back if main refuses them. Edits are sent one after another, so their revisions keep the user's order.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, readonly, ref, shallowRef, watch } from 'vue'
import type { EditOperation, EditResult, ImageDetail, Payload, Person, Revision, UndoState } from '../../../contract'
import { MPII_JOINT_COUNT, MPII_WALK_ORDER } from '../../../contract/mpii'
import { ApiError, call } from '../api/client'
import { useSystemStore } from './system'

export interface Selection {
  personId: number | null
  joint: number | null
}

/** Details of recently shown and prefetched images, so "next image" needs no round trip. */
const DETAIL_CACHE = 24

export const useAnnotationStore = defineStore('annotation', () => {
  const image = shallowRef<ImageDetail | null>(null)
  const selection = ref<Selection>({ personId: null, joint: null })
  const undoState = ref<UndoState | null>(null)
  const history = shallowRef<Revision[]>([])
  const historyPersonId = ref<number | null>(null)
  const saving = ref(0)
  const error = ref<string | null>(null)
  /** What the last change did, for the status line ("Moved right knee"). */
  const message = ref<string | null>(null)
  const loading = ref(false)

  const people = computed<readonly Person[]>(() => image.value?.people ?? [])
  const selectedPerson = computed(() => people.value.find((p) => p.id === selection.value.personId) ?? null)
  const selectedJoint = computed(() => {
    const person = selectedPerson.value
    return person && selection.value.joint !== null ? person.joints[selection.value.joint] : null
  })

  const details = new Map<number, Promise<ImageDetail>>()
  let queue: Promise<unknown> = Promise.resolve()
  let openToken = 0

  // Ids belong to one project: another project open means nothing shown or cached here is valid.
  const system = useSystemStore()
  watch(
    () => system.project?.id,
    () => {
      openToken++
      details.clear()
      image.value = null
      selection.value = { personId: null, joint: null }
      history.value = []
      historyPersonId.value = null
      undoState.value = null
      message.value = null
      error.value = null
    }
  )

  function detail(imageId: number): Promise<ImageDetail> {
    let hit = details.get(imageId)
    if (hit) {
      details.delete(imageId)
    } else {
      hit = call('getImage', { imageId })
      hit.catch(() => details.delete(imageId))
    }
    details.set(imageId, hit)
    while (details.size > DETAIL_CACHE) details.delete(details.keys().next().value!)
    return hit
  }

  function prefetch(imageId: number): Promise<ImageDetail> {
    return detail(imageId)
  }

  function forget(imageIds: readonly number[]): void {
    if (imageIds.length === 0) details.clear()
    for (const id of imageIds) details.delete(id)
  }

  /** Shows an image; selects the given person and joint, else the first person's first placed joint. */
  async function open(imageId: number, focus: { personId?: number | null; joint?: number | null } = {}): Promise<ImageDetail | null> {
    const token = ++openToken
    loading.value = image.value?.id !== imageId
    try {
      const next = await detail(imageId)
      if (token !== openToken) return null
      image.value = next
      error.value = null
      const person = next.people.find((p) => p.id === focus.personId) ?? next.people[0] ?? null
      const joint = focus.joint ?? (person ? firstPlaced(person) : null)
      selection.value = { personId: person?.id ?? null, joint: person ? joint : null }
      if (!undoState.value) void refreshUndo()
      return next
    } catch (e) {
      if (token === openToken) error.value = messageOf(e)
      return null
    } finally {
      if (token === openToken) loading.value = false
    }
  }

  function firstPlaced(person: Person): number {
    return MPII_WALK_ORDER.find((j) => person.joints[j].state !== 'missing') ?? MPII_WALK_ORDER[0]
  }

  async function refreshUndo(): Promise<void> {
    try {
      undoState.value = await call('undoState', {})
    } catch {
      // the next edit's reply carries it too
    }
  }

  function select(personId: number | null, joint: number | null = null): void {
    selection.value = { personId, joint }
  }

  /** Next (+1) or previous (-1) joint of the selected person, in the annotators' walk order. */
  function stepJoint(delta: number): void {
    const person = selectedPerson.value ?? people.value[0]
    if (!person) return
    const at = selection.value.joint === null ? -1 : MPII_WALK_ORDER.indexOf(selection.value.joint)
    const index = at < 0 ? (delta > 0 ? 0 : MPII_JOINT_COUNT - 1) : (at + delta + MPII_JOINT_COUNT) % MPII_JOINT_COUNT
    selection.value = { personId: person.id, joint: MPII_WALK_ORDER[index] }
  }

  /** Next (+1) or previous (-1) person, keeping the joint selected. */
  function stepPerson(delta: number): void {
    const list = people.value
    if (list.length === 0) return
    const at = list.findIndex((p) => p.id === selection.value.personId)
    const next = list[at < 0 ? 0 : (at + delta + list.length) % list.length]
    selection.value = { personId: next.id, joint: selection.value.joint ?? firstPlaced(next) }
  }

  /** Replaces (or drops, when deleted) a person in the shown image and the cached details. */
  function applyPerson(person: Person & { deleted?: boolean }): void {
    const { deleted, ...plain } = person
    details.delete(person.imageId)
    const current = image.value
    if (!current || current.id !== person.imageId) return
    const others = current.people.filter((p) => p.id !== person.id)
    const list = deleted ? others : current.people.some((p) => p.id === person.id) ? current.people.map((p) => (p.id === person.id ? plain : p)) : [...current.people, plain]
    image.value = { ...current, people: list }
    details.set(current.id, Promise.resolve(image.value))
  }

  /** The person as the edit will leave it, for edits simple enough to show before main answers. */
  function predicted(person: Person, operation: EditOperation): Person | null {
    const joints = person.joints.map((j) => ({ ...j }))
    switch (operation.op) {
      case 'moveJoint':
        joints[operation.joint] = { x: operation.x, y: operation.y, state: joints[operation.joint].state === 'missing' ? 'visible' : joints[operation.joint].state }
        break
      case 'addJoint':
        joints[operation.joint] = { x: operation.x, y: operation.y, state: operation.state ?? 'visible' }
        break
      case 'setJointState':
        joints[operation.joint] = { ...joints[operation.joint], state: operation.state }
        break
      case 'deleteJoint':
        joints[operation.joint] = { x: null, y: null, state: 'missing' }
        break
      default:
        return null
    }
    return { ...person, joints, edits: person.edits + 1 }
  }

  function serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  function afterChange(result: EditResult, label: string): void {
    applyPerson(result.person)
    undoState.value = result.undo
    message.value = result.revision ? label : `${label}: nothing changed`
    error.value = null
    if (historyPersonId.value === result.person.id) void loadHistory(result.person.id)
  }

  /** One edit of a person, committed by main; returns the result, or null when main refused it. */
  function edit(personId: number, operation: EditOperation, label: string, note?: string): Promise<EditResult | null> {
    const before = people.value.find((p) => p.id === personId) ?? null
    const guess = before && predicted(before, operation)
    if (guess) applyPerson(guess)
    saving.value++
    return serialised(async () => {
      try {
        const result = await call('editPerson', { personId, operation, note })
        afterChange(result, label)
        return result
      } catch (e) {
        if (guess && before) applyPerson(before)
        error.value = `${label}: ${messageOf(e)}`
        return null
      } finally {
        saving.value--
      }
    })
  }

  function addPerson(): Promise<EditResult | null> {
    const current = image.value
    if (!current) return Promise.resolve(null)
    saving.value++
    return serialised(async () => {
      try {
        const result = await call('addPerson', { imageId: current.id })
        afterChange(result, 'Added a person')
        selection.value = { personId: result.person.id, joint: MPII_WALK_ORDER[0] }
        return result
      } catch (e) {
        error.value = `Add a person: ${messageOf(e)}`
        return null
      } finally {
        saving.value--
      }
    })
  }

  /** Undo or redo the latest change on any image; returns where it happened so the view can go there. */
  function step(direction: 'undo' | 'redo'): Promise<EditResult | null> {
    saving.value++
    return serialised(async () => {
      try {
        const result = await call(direction, {})
        if (!result) {
          message.value = direction === 'undo' ? 'Nothing to undo' : 'Nothing to redo'
          await refreshUndo()
          return null
        }
        afterChange(result, direction === 'undo' ? `Undid ${describe(result)}` : `Redid ${describe(result)}`)
        return result
      } catch (e) {
        error.value = `${direction === 'undo' ? 'Undo' : 'Redo'}: ${messageOf(e)}`
        return null
      } finally {
        saving.value--
      }
    })
  }

  function describe(result: EditResult): string {
    const note = result.revision?.note ?? ''
    const reverted = /revision (\d+)/.exec(note)?.[1]
    return reverted ? `revision ${reverted}` : 'the change'
  }

  async function restore(personId: number, revisionId: number): Promise<EditResult | null> {
    saving.value++
    return serialised(async () => {
      try {
        const result = await call('restoreRevision', { personId, revisionId })
        afterChange(result, `Restored revision ${revisionId}`)
        return result
      } catch (e) {
        error.value = `Restore: ${messageOf(e)}`
        return null
      } finally {
        saving.value--
      }
    })
  }

  async function loadHistory(personId: number | null): Promise<void> {
    historyPersonId.value = personId
    if (personId === null) {
      history.value = []
      return
    }
    try {
      const { revisions } = await call('personHistory', { personId })
      if (historyPersonId.value === personId) history.value = revisions
    } catch (e) {
      if (historyPersonId.value === personId) {
        history.value = []
        error.value = messageOf(e)
      }
    }
  }

  /**
   * Another window, the CLI or an import changed annotations: drop cached details and, when the shown
   * image is among them, read it again once our own edits are answered (ours are already applied).
   */
  async function changedElsewhere(change: Payload<'annotationsChanged'>): Promise<void> {
    forget(change.imageIds)
    const current = image.value
    if (!current || (change.imageIds.length > 0 && !change.imageIds.includes(current.id))) return
    await queue
    try {
      const fresh = await call('getImage', { imageId: current.id })
      if (image.value?.id !== fresh.id) return
      const same =
        fresh.people.length === image.value.people.length && fresh.people.every((p, i) => p.id === image.value!.people[i].id && p.revision === image.value!.people[i].revision)
      if (!same) {
        image.value = fresh
        if (selection.value.personId !== null && !fresh.people.some((p) => p.id === selection.value.personId)) {
          selection.value = { personId: fresh.people[0]?.id ?? null, joint: null }
        }
      }
      details.set(fresh.id, Promise.resolve(image.value))
    } catch {
      // the image may be gone with a re-import; the next open reports it
    }
  }

  function clearError(): void {
    error.value = null
  }

  return {
    image,
    selection: readonly(selection),
    undoState: readonly(undoState),
    history,
    historyPersonId: readonly(historyPersonId),
    saving: readonly(saving),
    error: readonly(error),
    message: readonly(message),
    loading: readonly(loading),

    people,
    selectedPerson,
    selectedJoint,

    open,
    prefetch,
    forget,
    select,
    stepJoint,
    stepPerson,
    edit,
    addPerson,
    undo: () => step('undo'),
    redo: () => step('redo'),
    restore,
    loadHistory,
    refreshUndo,
    changedElsewhere,
    clearError
  }
})

function messageOf(e: unknown): string {
  return e instanceof ApiError || e instanceof Error ? e.message : String(e)
}

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useAnnotationStore, import.meta.hot))
