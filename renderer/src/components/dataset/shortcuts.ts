// The Dataset view's keys, one table for the handler and the help.
import type { Shortcut } from '../../composables/useShortcuts'

export type DatasetAction = 'left' | 'right' | 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last' | 'open' | 'search' | 'help' | 'escape'

export const DATASET_SHORTCUTS: readonly Shortcut<DatasetAction>[] = [
  { action: 'left', keys: ['ArrowLeft'], label: 'Previous image', group: 'Browse', repeat: true },
  { action: 'right', keys: ['ArrowRight'], label: 'Next image', group: 'Browse', repeat: true },
  { action: 'up', keys: ['ArrowUp'], label: 'One row up', group: 'Browse', repeat: true },
  { action: 'down', keys: ['ArrowDown'], label: 'One row down', group: 'Browse', repeat: true },
  { action: 'pageUp', keys: ['PageUp'], label: 'One screen up', group: 'Browse', repeat: true },
  { action: 'pageDown', keys: ['PageDown'], label: 'One screen down', group: 'Browse', repeat: true },
  { action: 'first', keys: ['Home'], label: 'First image', group: 'Browse' },
  { action: 'last', keys: ['End'], label: 'Last image', group: 'Browse' },
  { action: 'open', keys: ['Enter'], label: 'Open the selected image in Annotate', group: 'Browse' },
  { action: 'search', keys: ['/', 'Ctrl+F'], label: 'Search by image name', group: 'Filter' },
  { action: 'escape', keys: ['Escape'], label: 'Leave the search field / close this help', group: 'Filter' },
  { action: 'help', keys: ['?'], label: 'This list of shortcuts', group: 'Filter' }
]
