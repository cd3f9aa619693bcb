// The shortcut tables: key events map to the table's spelling, and no combination is given twice.
import { describe, expect, it } from 'vitest'
import { ANNOTATE_SHORTCUTS } from '../components/annotate/shortcuts'
import { DATASET_SHORTCUTS } from '../components/dataset/shortcuts'
import { comboOf, keyCaps, normaliseCombo, shortcutIndex } from './useShortcuts'

function key(key: string, mods: { ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; shiftKey?: boolean } = {}): KeyboardEvent {
  return { key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods } as KeyboardEvent
}

describe('comboOf', () => {
  it('spells letters upper-case with their modifiers, Cmd as Ctrl', () => {
    expect(comboOf(key('o'))).toBe('O')
    expect(comboOf(key('Z', { ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+Z')
    expect(comboOf(key('z', { metaKey: true }))).toBe('Ctrl+Z')
    expect(comboOf(key('Tab', { shiftKey: true }))).toBe('Shift+Tab')
    expect(comboOf(key(' '))).toBe('Space')
  })

  it('drops Shift for the symbols it produces', () => {
    expect(comboOf(key('?', { shiftKey: true }))).toBe('?')
    expect(comboOf(key('+', { shiftKey: true }))).toBe('+')
  })
})

describe('shortcut tables', () => {
  it.each([
    ['Annotate', ANNOTATE_SHORTCUTS],
    ['Dataset', DATASET_SHORTCUTS]
  ])('%s gives every combination to one action only', (_name, table) => {
    const index = shortcutIndex(table)
    expect(index.size).toBe(table.reduce((n, s) => n + s.keys.length, 0))
  })

  it('finds the Annotate actions from key events', () => {
    const index = shortcutIndex(ANNOTATE_SHORTCUTS)
    expect(index.get(comboOf(key('z', { ctrlKey: true })))?.action).toBe('undo')
    expect(index.get(comboOf(key('Z', { ctrlKey: true, shiftKey: true })))?.action).toBe('redo')
    expect(index.get(comboOf(key('y', { ctrlKey: true })))?.action).toBe('redo')
    expect(index.get(comboOf(key('Tab', { shiftKey: true })))?.action).toBe('previousJoint')
    expect(index.get(comboOf(key('?', { shiftKey: true })))?.action).toBe('help')
    expect(index.get(comboOf(key('N', { shiftKey: true })))?.action).toBe('addPerson')
  })

  it('refuses a table that gives one combination to two actions', () => {
    expect(() =>
      shortcutIndex([
        { action: 'a', keys: ['Ctrl+Z'], label: 'a', group: 'g' },
        { action: 'b', keys: ['ctrl+z'], label: 'b', group: 'g' }
      ])
    ).toThrow(/Ctrl\+Z|ctrl\+z/)
  })

  it('normalises and shows combinations', () => {
    expect(normaliseCombo('shift+ctrl+z')).toBe('Ctrl+Shift+Z')
    expect(normaliseCombo('Ctrl++')).toBe('Ctrl++')
    expect(keyCaps('Ctrl++')).toEqual(['Ctrl', '+'])
    expect(keyCaps('Shift+ArrowLeft')).toEqual(['Shift', '←'])
  })
})
