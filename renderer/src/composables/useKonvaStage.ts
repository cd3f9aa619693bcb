// A Konva stage that fills its container and shows an image plane through a view transform (scale and
// offset on the stage itself, so shapes stay in image coordinates): zoom to the pointer with the wheel,
// pan by dragging the stage, fit a rectangle. Konva nodes are never kept here, only numbers.
import Konva from 'konva'
import type { KonvaEventObject } from 'konva/lib/Node'
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, type Ref } from 'vue'

export interface ViewTransform {
  scale: number
  x: number
  y: number
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

// The middle button pans too, as in most image tools (Konva drags with the left button only by default).
Konva.dragButtons = [0, 1]

export const MIN_SCALE = 0.02
export const MAX_SCALE = 64
/** One wheel notch zooms by this factor (trackpads send smaller deltas and zoom proportionally less). */
const WHEEL_STEP = 1.15

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale))
}

/** The transform showing `rect` centred in a `width` × `height` viewport with `padding` px around it. */
export function fitTransform(rect: Rect, width: number, height: number, padding = 24): ViewTransform {
  const w = Math.max(1, width - 2 * padding)
  const h = Math.max(1, height - 2 * padding)
  const scale = clampScale(Math.min(w / Math.max(rect.width, 1e-6), h / Math.max(rect.height, 1e-6)))
  return {
    scale,
    x: width / 2 - (rect.x + rect.width / 2) * scale,
    y: height / 2 - (rect.y + rect.height / 2) * scale
  }
}

/** The transform after zooming by `factor` while the plane point under `anchor` (screen px) stays put. */
export function zoomAt(view: ViewTransform, factor: number, anchor: { x: number; y: number }): ViewTransform {
  const scale = clampScale(view.scale * factor)
  const planeX = (anchor.x - view.x) / view.scale
  const planeY = (anchor.y - view.y) / view.scale
  return { scale, x: anchor.x - planeX * scale, y: anchor.y - planeY * scale }
}

export function useKonvaStage(container: Ref<HTMLElement | null>) {
  const size = ref({ width: 0, height: 0 })
  const view = ref<ViewTransform>({ scale: 1, x: 0, y: 0 })
  /** The rectangle the view was last fitted to, so a resize keeps it fitted until the user zooms or pans. */
  const fitted = shallowRef<{ rect: Rect; padding: number } | null>(null)

  let observer: ResizeObserver | null = null
  onMounted(() => {
    if (!container.value) return
    observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect
      size.value = { width: Math.floor(width), height: Math.floor(height) }
      if (fitted.value) view.value = fitTransform(fitted.value.rect, size.value.width, size.value.height, fitted.value.padding)
    })
    observer.observe(container.value)
  })
  onBeforeUnmount(() => observer?.disconnect())

  const stageConfig = computed(() => ({
    width: size.value.width,
    height: size.value.height,
    scaleX: view.value.scale,
    scaleY: view.value.scale,
    x: view.value.x,
    y: view.value.y,
    draggable: true
  }))

  function fit(rect: Rect, padding = 24): void {
    fitted.value = { rect, padding }
    if (size.value.width > 0) view.value = fitTransform(rect, size.value.width, size.value.height, padding)
  }

  function setView(next: ViewTransform): void {
    fitted.value = null
    view.value = next
  }

  function zoomBy(factor: number, anchor?: { x: number; y: number }): void {
    setView(zoomAt(view.value, factor, anchor ?? { x: size.value.width / 2, y: size.value.height / 2 }))
  }

  function onWheel(event: KonvaEventObject<WheelEvent>): void {
    event.evt.preventDefault()
    const stage = event.target.getStage()
    const pointer = stage?.getPointerPosition()
    if (!pointer) return
    // deltaMode 1 (lines, Firefox) and 0 (pixels); a pinch on a trackpad arrives as ctrl+wheel
    const notches = event.evt.deltaMode === 1 ? event.evt.deltaY / 3 : event.evt.deltaY / 100
    const factor = Math.pow(WHEEL_STEP, -Math.max(-4, Math.min(4, notches)) * (event.evt.ctrlKey ? 2 : 1))
    zoomBy(factor, pointer)
  }

  /** Writes the stage's position back after the user dragged it (the stage is the pan handle). */
  function onStageDrag(event: KonvaEventObject<DragEvent>): void {
    const stage = event.target as Konva.Stage
    if (stage !== stage.getStage()) return
    setView({ scale: view.value.scale, x: stage.x(), y: stage.y() })
  }

  /** A screen point (stage container px) in plane coordinates. */
  function toPlane(point: { x: number; y: number }): { x: number; y: number } {
    return { x: (point.x - view.value.x) / view.value.scale, y: (point.y - view.value.y) / view.value.scale }
  }

  return { size, view, stageConfig, fit, setView, zoomBy, onWheel, onStageDrag, toPlane }
}
