// The single entry every transport uses: validate the request against the contract, run its handler,
// and wrap the outcome in a reply envelope. A bad request never throws past this point.
import type { z } from 'zod'
import type { ApiErrorInfo, Reply } from '../../contract'
import { isRequestName, requestSpec } from '../../contract'
import { WorkbenchError } from '../errors'
import type { ApiContext, Handler } from './context'
import { handlers } from './index'
import { shouldValidateResults } from './validation'

export async function dispatch(ctx: ApiContext, method: unknown, rawParams: unknown): Promise<Reply<unknown>> {
  if (typeof method !== 'string' || !isRequestName(method)) {
    return failure({ code: 'unknown_method', message: `unknown method ${JSON.stringify(method)}`, field: 'method' })
  }
  const spec = requestSpec(method)
  const parsed = spec.params.safeParse(rawParams ?? {})
  if (!parsed.success) return failure(describeZodError(parsed.error, `${method} params`))
  try {
    const handler = handlers[method] as Handler<typeof spec>
    const result = await handler(parsed.data, ctx)
    if (shouldValidateResults()) {
      const checked = spec.result.safeParse(result)
      if (!checked.success) {
        const error = describeZodError(checked.error, `${method} result`)
        return failure({ ...error, code: 'internal' })
      }
    }
    return { ok: true, result }
  } catch (error) {
    return failure(toErrorInfo(error))
  }
}

export function toErrorInfo(error: unknown): ApiErrorInfo {
  if (error instanceof WorkbenchError) {
    return { code: error.code, message: error.message, field: error.field, details: error.details }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { code: 'internal', message }
}

export function describeZodError(error: z.ZodError, what: string): ApiErrorInfo {
  const issue = error.issues[0]
  const field = issue.path.map(String).join('.')
  return {
    code: 'invalid_request',
    message: `${what}: ${field ? `${field}: ` : ''}${issue.message}`,
    field: field || undefined,
    details: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  }
}

function failure(error: ApiErrorInfo): Reply<never> {
  return { ok: false, error: JSON.parse(JSON.stringify(error)) as ApiErrorInfo }
}
