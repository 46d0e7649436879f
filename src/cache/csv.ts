/**
 * BuildKit's CSV grammar for `--export-cache` / `--import-cache` values, as envd reads them with Go's
 * `encoding/csv`: comma separator, double quotes around a whole field, `""` for a literal quote inside a
 * quoted field, no trimming of spaces, one record.
 */

export class CsvError extends Error {}

/** Splits one CSV record into its fields. Throws CsvError with Go's wording for malformed quoting. */
export function parseCsvRecord(text: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError('extraneous or missing " in quoted-field');
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += c;
        i++;
      }
      if (i < text.length && text[i] !== ',') throw new CsvError('extraneous or missing " in quoted-field');
    } else {
      while (i < text.length && text[i] !== ',') {
        const c = text[i];
        if (c === '"') throw new CsvError('bare " in non-quoted-field');
        if (c === '\n' || c === '\r') throw new CsvError('a line break outside quotes ends the value early');
        field += c;
        i++;
      }
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

/** Quotes a field the way Go's csv.Writer does, so that parseCsvRecord gives it back. */
function quoteCsvField(field: string): string {
  const needs = field === '' ? false : /[",\r\n]/.test(field) || field[0] === ' ' || field[0] === '\t';
  return needs ? `"${field.replace(/"/g, '""')}"` : field;
}

export function formatCsvRecord(fields: readonly string[]): string {
  return fields.map(quoteCsvField).join(',');
}
