// Every shortcut of the Annotate view, in one table: the key handler and the help overlay both read it.
import type { Shortcut } from '../../composables/useShortcuts'

export type AnnotateAction =
  | 'nextJoint'
  | 'previousJoint'
  | 'nextPerson'
  | 'previousPerson'
  | 'nextImage'
  | 'previousImage'
  | 'nudgeLeft'
  | 'nudgeRight'
  | 'nudgeUp'
  | 'nudgeDown'
  | 'nudgeLeftFar'
  | 'nudgeRightFar'
  | 'nudgeUpFar'
  | 'nudgeDownFar'
  | 'toggleOccluded'
  | 'deleteJoint'
  | 'restoreJoint'
  | 'swapLeftRight'
  | 'addPerson'
  | 'deletePerson'
  | 'acceptJoint'
  | 'acceptPerson'
  | 'undo'
  | 'redo'
  | 'fitImage'
  | 'fitPerson'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglePredictions'
  | 'toggleHeatmap'
  | 'toggleLabels'
  | 'toggleHistory'
  | 'help'
  | 'escape'
  | 'backToDataset'

export const ANNOTATE_SHORTCUTS: readonly Shortcut<AnnotateAction>[] = [
  { action: 'nextJoint', keys: ['Tab'], label: 'Next joint (head, spine, arms, legs)', group: 'Select', repeat: true },
  { action: 'previousJoint', keys: ['Shift+Tab'], label: 'Previous joint', group: 'Select', repeat: true },
  { action: 'nextPerson', keys: ['P'], label: 'Next person', group: 'Select' },
  { action: 'previousPerson', keys: ['Shift+P'], label: 'Previous person', group: 'Select' },
  { action: 'nextImage', keys: ['F', 'PageDown'], label: 'Next image (in the Dataset view’s order)', group: 'Select', repeat: true },
  { action: 'previousImage', keys: ['D', 'PageUp'], label: 'Previous image', group: 'Select', repeat: true },
  { action: 'escape', keys: ['Escape'], label: 'Close this help, or clear the joint selection', group: 'Select' },

  { action: 'nudgeLeft', keys: ['ArrowLeft'], label: 'Move the selected joint 1 image pixel', group: 'Edit', repeat: true },
  { action: 'nudgeRight', keys: ['ArrowRight'], label: '', group: 'Edit', repeat: true },
  { action: 'nudgeUp', keys: ['ArrowUp'], label: '', group: 'Edit', repeat: true },
  { action: 'nudgeDown', keys: ['ArrowDown'], label: '', group: 'Edit', repeat: true },
  { action: 'nudgeLeftFar', keys: ['Shift+ArrowLeft'], label: 'Move the selected joint 10 image pixels', group: 'Edit', repeat: true },
  { action: 'nudgeRightFar', keys: ['Shift+ArrowRight'], label: '', group: 'Edit', repeat: true },
  { action: 'nudgeUpFar', keys: ['Shift+ArrowUp'], label: '', group: 'Edit', repeat: true },
  { action: 'nudgeDownFar', keys: ['Shift+ArrowDown'], label: '', group: 'Edit', repeat: true },
  { action: 'toggleOccluded', keys: ['O'], label: 'Mark the selected joint occluded / visible', group: 'Edit' },
  { action: 'deleteJoint', keys: ['Delete', 'Backspace'], label: 'Delete the selected joint (it becomes missing)', group: 'Edit' },
  { action: 'restoreJoint', keys: ['R'], label: 'Restore the selected joint as it was before it was deleted', group: 'Edit' },
  { action: 'swapLeftRight', keys: ['S'], label: 'Swap left and right of the selected person', group: 'Edit' },
  { action: 'addPerson', keys: ['Shift+N'], label: 'Add a person (then click to place each joint)', group: 'Edit' },
  { action: 'deletePerson', keys: ['Shift+Delete'], label: 'Delete the selected person (undo brings it back)', group: 'Edit' },
  { action: 'undo', keys: ['Ctrl+Z'], label: 'Undo the latest change, on any image', group: 'Edit' },
  { action: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], label: 'Redo', group: 'Edit' },

  { action: 'acceptJoint', keys: ['Enter'], label: 'Accept the predicted position of the selected joint', group: 'Predictions' },
  { action: 'acceptPerson', keys: ['Shift+Enter'], label: 'Accept the whole predicted skeleton of the selected person', group: 'Predictions' },
  { action: 'togglePredictions', keys: ['V'], label: 'Show / hide the predicted skeleton', group: 'Predictions' },
  { action: 'toggleHeatmap', keys: ['H'], label: 'Show / hide the selected joint’s heatmap', group: 'Predictions' },

  { action: 'fitImage', keys: ['0', 'Home'], label: 'Fit the image', group: 'View' },
  { action: 'fitPerson', keys: ['Z'], label: 'Zoom to the selected person', group: 'View' },
  { action: 'zoomIn', keys: ['+', '='], label: 'Zoom in (or the mouse wheel, at the pointer)', group: 'View', repeat: true },
  { action: 'zoomOut', keys: ['-'], label: 'Zoom out', group: 'View', repeat: true },
  { action: 'toggleLabels', keys: ['L'], label: 'Hide / show the labels to see the image under them', group: 'View' },
  { action: 'toggleHistory', keys: ['Y'], label: 'Show / hide the selected person’s history', group: 'View' },
  { action: 'backToDataset', keys: ['G'], label: 'Back to the Dataset view at this image', group: 'View' },
  { action: 'help', keys: ['?', 'F1'], label: 'This list of shortcuts', group: 'View' }
]

/** What the mouse does, listed in the help beside the keys. */
export const ANNOTATE_MOUSE: readonly { gesture: string; label: string }[] = [
  { gesture: 'Drag a joint', label: 'Move it (it stays inside the image)' },
  { gesture: 'Click a joint', label: 'Select it' },
  { gesture: 'Click the image', label: 'Place the selected joint when it is missing' },
  { gesture: 'Drag the image', label: 'Pan (middle button too)' },
  { gesture: 'Wheel', label: 'Zoom at the pointer' },
  { gesture: 'Drag the head box corners / the centre cross / the scale handle', label: 'Edit the head box, centre and scale of the selected person' }
]
