// How the network variants are named in the UI.
export type Variant = 'A' | 'B' | 'C' | 'residual'

export const VARIANT_LABELS: Record<Variant, string> = {
  A: 'PRM-A',
  B: 'PRM-B',
  C: 'PRM-C',
  residual: 'Plain hourglass (no PRM)'
}

/** "PRM-B · 2 stacks · 256 features · 256 px" */
export function describeNetwork(model: { variant: string; nStack: number; nFeats: number; inputRes: number }): string {
  const variant = VARIANT_LABELS[model.variant as Variant] ?? model.variant
  return `${variant} · ${model.nStack} stack${model.nStack === 1 ? '' : 's'} · ${model.nFeats} features · ${model.inputRes} px`
}
