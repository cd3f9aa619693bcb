// The workbench's areas, in navigation order. An area appears here only once its feature exists.
import type { Component } from 'vue'

export interface Area {
  /** Route path, also the e2e handle (`[data-area="<id>"]`). */
  id: string
  title: string
  /** Alt+<key> jumps here. */
  key: string
  /** Whether the area makes sense only with a project open. */
  needsProject: boolean
  view: () => Promise<Component>
}

export const areas: Area[] = [
  { id: 'projects', title: 'Projects', key: '1', needsProject: false, view: () => import('./views/ProjectsView.vue') },
  { id: 'dataset', title: 'Dataset', key: '2', needsProject: true, view: () => import('./views/DatasetView.vue') },
  { id: 'annotate', title: 'Annotate', key: '3', needsProject: true, view: () => import('./views/AnnotateView.vue') },
  { id: 'train', title: 'Train', key: '4', needsProject: true, view: () => import('./views/TrainView.vue') },
  { id: 'evaluate', title: 'Evaluate', key: '5', needsProject: true, view: () => import('./views/EvaluateView.vue') },
  { id: 'compare', title: 'Compare', key: '6', needsProject: true, view: () => import('./views/CompareView.vue') }
]
