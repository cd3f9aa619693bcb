// Calling the contract from the page, as the renderer does (through window.api, whatever the transport).
import type { Page } from 'playwright-core'
import type { Params, RequestName, Result } from '../../contract'

/** Resolves to the result, or throws the api's error message. */
export async function pageApi<N extends RequestName>(page: Page, method: N, params: Params<N>): Promise<Result<N>> {
  const reply = await page.evaluate(
    async ([m, p]) => (window.api as unknown as Record<string, (x: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { message: string } }>>)[m](p),
    [method, params] as const
  )
  if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`)
  return reply.result as Result<N>
}
