// CSV as RFC 4180 has it: fields with a comma, a quote, a line break or edge spaces are quoted, quotes
// doubled. Written with '\n' line ends; read with '\n' or '\r\n', a leading byte-order mark ignored.
import { badInput } from '../errors'

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return ''
  const text = String(value)
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',')
}

export function csvDocument(header: readonly string[], rows: (string | number | null | undefined)[][]): string {
  return [csvLine([...header]), ...rows.map(csvLine)].join('\n') + '\n'
}

/** Two decimals, as the published tables print; empty for a value that does not exist. */
export function twoDecimals(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return ''
  const text = value.toFixed(2)
  return text === '-0.00' ? '0.00' : text
}

/** Parses CSV text into rows of fields. `source` names the file in errors. */
export function parseCsv(text: string, source: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let quoteLine = 0
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  const endField = () => {
    row.push(field)
    field = ''
  }
  const endRow = () => {
    endField()
    if (!(row.length === 1 && row[0] === '')) rows.push(row)
    row = []
  }
  for (; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else {
        if (c === '\n') line++
        field += c
      }
      continue
    }
    if (c === '"') {
      if (field !== '') throw badInput(`${source}, line ${line}: a quote inside an unquoted field`, 'csv')
      quoted = true
      quoteLine = line
    } else if (c === ',') endField()
    else if (c === '\n') {
      endRow()
      line++
    } else if (c === '\r' && text[i + 1] === '\n') continue
    else field += c
  }
  if (quoted) throw badInput(`${source}, line ${quoteLine}: a quoted field is never closed`, 'csv')
  if (field !== '' || row.length) endRow()
  return rows
}
