/** Column-aligned text like kubectl's tables: UPPERCASE headers, three spaces between columns. */
export function renderTable(
  headers: string[],
  rows: string[][],
  style: (col: number, cell: string) => string = (_c, s) => s,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], styled: boolean) =>
    cells
      .map((c, i) => {
        const pad = i === cells.length - 1 ? '' : ' '.repeat((widths[i] ?? 0) - c.length + 3);
        return (styled ? style(i, c) : c) + pad;
      })
      .join('')
      .trimEnd();
  return [line(headers, false), ...rows.map((r) => line(r, true))].join('\n') + '\n';
}
