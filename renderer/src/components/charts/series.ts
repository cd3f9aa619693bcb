// What a line chart is given: named series of (x, y) points. Kept free of Chart.js types so stores and
// views can build series without importing the chart library.
export interface ChartPoint {
  x: number
  y: number | null
}

export interface ChartSeries {
  label: string
  points: ChartPoint[]
  color: string
  /** Dashed line (a secondary series: epoch means, a baseline). */
  dashed?: boolean
  /** Draw the points as dots (sparse series such as one value per epoch). */
  dots?: boolean
  /** Which y axis: 'y' (left, default) or 'y2' (right). */
  axis?: 'y' | 'y2'
}

/** Colours for runs and series, distinct on the dark theme, in the order runs are picked. */
export const SERIES_COLOURS = ['#4f9cf7', '#f0883e', '#57ab5a', '#c297ff', '#e5534b', '#d29922', '#39c5cf', '#db61a2']

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length]
}
