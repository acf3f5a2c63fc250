import { Box, Text } from 'ink';
import type { Line } from './lines.js';

export interface Column<T> {
  title: string;
  cell(row: T): string;
}

const tones: Record<
  NonNullable<Line['tone']>,
  { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean }
> = {
  title: { bold: true },
  error: { color: 'red' },
  warning: { color: 'yellow' },
  hypothetical: { color: 'magenta', bold: true, inverse: true },
  dim: { dimColor: true },
  cause: { color: 'cyan' },
};

/** Lines from `first`, as many as fit; only those are rendered, however long the text is. */
export function Lines({
  lines,
  first,
  height,
  color,
}: {
  lines: Line[];
  first: number;
  height: number;
  color: boolean;
}) {
  return (
    <Box flexDirection="column" height={height}>
      {lines.slice(first, first + height).map((l, i) => {
        const tone = l.tone ? tones[l.tone] : {};
        return (
          <Text
            key={first + i}
            wrap="truncate-end"
            bold={tone.bold ?? false}
            inverse={tone.inverse ?? false}
            dimColor={color && (tone.dimColor ?? false)}
            {...(color && tone.color !== undefined && { color: tone.color })}
          >
            {l.text === '' ? ' ' : l.text}
          </Text>
        );
      })}
    </Box>
  );
}

/**
 * A table that renders only the rows in view (a list of 5,000 movers costs what a screenful
 * does): column widths come from those rows, the cursor row is inverted.
 */
export function Table<T extends { key: string }>({
  rows,
  columns,
  cursor,
  height,
  width,
  tone,
  color,
}: {
  rows: T[];
  columns: Column<T>[];
  cursor: number;
  height: number;
  width: number;
  tone?: (row: T) => Line['tone'];
  color: boolean;
}) {
  const body = Math.max(1, height - 1);
  const first = cursor < body ? 0 : cursor - body + 1;
  const shown = rows.slice(first, first + body);
  const cells = shown.map((r) => columns.map((c) => c.cell(r)));
  const widths = fitWidths(
    columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => (r[i] ?? '').length))),
    width - 2,
  );
  const fit = (v: string, w: number) => (v.length > w ? `${v.slice(0, Math.max(0, w - 1))}…` : v);
  const line = (values: string[]) =>
    values
      .map((v, i) => {
        const w = widths[i] ?? 0;
        return i === values.length - 1 ? fit(v, w) : fit(v, w).padEnd(w + 2);
      })
      .join('');
  return (
    <Box flexDirection="column" height={height}>
      <Text bold wrap="truncate-end">
        {`  ${line(columns.map((c) => c.title))}`}
      </Text>
      {shown.map((r, i) => {
        const t = tone?.(r);
        const c = color && t ? tones[t].color : undefined;
        const at = first + i === cursor;
        // the marker shows the cursor where inverse video is not shown (NO_COLOR, captures)
        return (
          <Text key={r.key} inverse={at} wrap="truncate-end" {...(c !== undefined && { color: c })}>
            {`${at ? '>' : ' '} ${line(cells[i] ?? [])}`.padEnd(width)}
          </Text>
        );
      })}
      {rows.length === 0 && <Text dimColor={color}>(nothing matches)</Text>}
    </Box>
  );
}

/**
 * Column widths that fit `width` (two spaces between columns): the widest column gives up
 * characters first, down to 4, so that every column keeps showing something.
 */
export function fitWidths(widths: number[], width: number): number[] {
  const out = [...widths];
  const total = () => out.reduce((a, b) => a + b, 0) + 2 * (out.length - 1);
  while (total() > width) {
    const widest = out.indexOf(Math.max(...out));
    if ((out[widest] ?? 0) <= 4) break;
    out[widest] = (out[widest] ?? 0) - 1;
  }
  return out;
}
