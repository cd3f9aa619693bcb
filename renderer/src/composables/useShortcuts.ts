// Keyboard shortcuts from one table: the table says which keys do what (and the help overlay lists it),
// the view passes one handler per action. Keys are written as 'Ctrl+Shift+Z', 'Tab', 'Shift+Tab', 'O', '?'.
import { onBeforeUnmount, onMounted, type Ref } from 'vue'

export interface Shortcut<A extends string = string> {
  action: A
  /** Every combination that triggers it; the first is the one shown first. */
  keys: readonly string[]
  label: string
  group: string
  /** Whether holding the key repeats the action (arrows, next joint); off for edits that should happen once. */
  repeat?: boolean
}

export type ShortcutHandlers<A extends string> = Partial<Record<A, (event: KeyboardEvent) => void>>

/**
 * The combination a key event stands for, in the table's spelling. Ctrl and Cmd are one modifier (so
 * macOS users get Cmd+Z); Shift is kept for letters and named keys but not for symbols it produces ('?').
 */
export function comboOf(event: KeyboardEvent): string {
  const parts: string[] = []
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl')
  if (event.altKey) parts.push('Alt')
  let key = event.key
  if (key === ' ') key = 'Space'
  const symbol = key.length === 1 && !/[a-z0-9]/i.test(key)
  if (event.shiftKey && !symbol) parts.push('Shift')
  parts.push(key.length === 1 ? key.toUpperCase() : key)
  return parts.join('+')
}

/** Builds the lookup from combination to action, refusing a combination given to two actions. */
export function shortcutIndex<A extends string>(table: readonly Shortcut<A>[]): Map<string, Shortcut<A>> {
  const index = new Map<string, Shortcut<A>>()
  for (const shortcut of table) {
    for (const key of shortcut.keys) {
      const normalised = normaliseCombo(key)
      const taken = index.get(normalised)
      if (taken) throw new Error(`shortcut ${key} is given to both ${taken.action} and ${shortcut.action}`)
      index.set(normalised, shortcut)
    }
  }
  return index
}

/** 'shift+ctrl+z' and 'Ctrl+Shift+Z' are the same combination. */
export function normaliseCombo(combo: string): string {
  const parts = combo.split('+')
  // '+' itself is a key: 'Ctrl++' splits into ['Ctrl', '', '']
  const key = combo.endsWith('++') || combo === '+' ? '+' : parts.pop()!
  const mods = new Set(parts.filter(Boolean).map((p) => p[0].toUpperCase() + p.slice(1).toLowerCase()))
  const ordered = ['Ctrl', 'Alt', 'Shift'].filter((m) => mods.has(m))
  return [...ordered, key.length === 1 ? key.toUpperCase() : key].join('+')
}

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'range'].includes(target.type)
}

/**
 * Listens on the window while the component is mounted. `enabled` (optional) switches the table off,
 * e.g. while a dialog has the keyboard. Keys typed into a text field are left alone, Escape excepted.
 */
export function useShortcuts<A extends string>(table: readonly Shortcut<A>[], handlers: ShortcutHandlers<A>, enabled?: Ref<boolean>): void {
  const index = shortcutIndex(table)
  function onKeyDown(event: KeyboardEvent): void {
    if (enabled && !enabled.value) return
    if (event.defaultPrevented) return
    if (typingInto(event.target) && event.key !== 'Escape') return
    // Enter and Space on a focused button press the button, as everywhere else
    if ((event.key === 'Enter' || event.key === ' ') && event.target instanceof HTMLElement && event.target.closest('button, a, summary')) return
    const shortcut = index.get(comboOf(event))
    if (!shortcut) return
    const handler = handlers[shortcut.action]
    if (!handler) return
    event.preventDefault()
    if (event.repeat && !shortcut.repeat) return
    handler(event)
  }
  onMounted(() => window.addEventListener('keydown', onKeyDown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeyDown))
}

/** How a combination is shown: 'Ctrl+Shift+Z' → ['Ctrl', 'Shift', 'Z'], arrows as symbols. */
export function keyCaps(combo: string): string[] {
  const names: Record<string, string> = {
    ArrowLeft: '←',
    ArrowRight: '→',
    ArrowUp: '↑',
    ArrowDown: '↓',
    Delete: 'Del',
    Backspace: '⌫',
    Escape: 'Esc',
    PageDown: 'PgDn',
    PageUp: 'PgUp'
  }
  return normaliseCombo(combo)
    .split(/\+(?!$)/)
    .map((part) => names[part] ?? part)
}
