import { Box, Text, useApp, useWindowSize } from 'ink';
import { useEffect, useMemo, useState } from 'react';
import type { TuiData } from './data.js';
import { eventFor } from './keymap.js';
import type { Line } from './lines.js';
import { findingCell, type MoverRow, type NamespaceRow } from './model.js';
import { Lines, Table, type Column } from './Screen.js';
import { shownFor } from './shown.js';
import { reduce, type State } from './state.js';
import { useKeys } from './use-keys.js';

const namespaceColumns: Column<NamespaceRow>[] = [
  { title: 'NAMESPACE', cell: (r) => r.name },
  { title: 'MOVERS', cell: (r) => String(r.movers) },
  { title: 'PRIVILEGED-MOVERS', cell: (r) => r.annotation },
  { title: 'POD-SECURITY', cell: (r) => r.podSecurity },
  { title: 'WORST', cell: (r) => findingCell(r.worst) },
];

const moverColumns: Column<MoverRow>[] = [
  { title: '±', cell: (r) => (r.flips ? '*' : ' ') },
  { title: 'NAME', cell: (r) => r.name },
  { title: 'MOVER', cell: (r) => r.mover },
  { title: 'PRIV', cell: (r) => r.privileged },
  { title: 'UID:GID', cell: (r) => r.uidGid },
  { title: 'GROUPS', cell: (r) => r.groups },
  { title: 'CAPABILITIES', cell: (r) => r.capabilities },
  { title: 'WORST', cell: (r) => findingCell(r.worst) },
];

const severityTone = (r: { worst?: { severity: string } }): Line['tone'] =>
  r.worst?.severity === 'error' ? 'error' : r.worst?.severity === 'warning' ? 'warning' : undefined;

/** The interactive view: namespaces, then a namespace's movers, then one mover layer by layer. */
export function App({
  data,
  initial,
  size,
  color,
  onCopy,
}: {
  data: TuiData;
  initial: State;
  /** Fixed size for tests; else the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  color: boolean;
  onCopy?: (text: string) => void;
}) {
  const terminal = useWindowSize();
  const { columns, rows } = size ?? terminal;
  const { exit } = useApp();
  const [state, setState] = useState(initial);
  const height = Math.max(3, rows - 2);

  const shownOf = useMemo(() => shownFor(data), [data]);
  const shown = shownOf(state);
  const { ref } = shown;

  useEffect(() => {
    if (state.overlay === 'copyCommand') onCopy?.(data.command(ref, state.namespace));
  }, [state.overlay, ref, state.namespace, data, onCopy]);
  useEffect(() => {
    if (state.done) exit();
  }, [state.done, exit]);

  useKeys((key) => {
    setState((s) => {
      const event = eventFor(s, key);
      // read against what `s` shows: the keys before it in the same read have not been drawn
      return event ? reduce(s, event, { ...shownOf(s).bounds, page: height - 1 }) : s;
    });
  });

  const crumbs = [
    'namespaces',
    ...(state.view !== 'namespaces' && state.namespace !== undefined ? [state.namespace] : []),
    ...(state.view === 'detail' && state.mover !== undefined ? [state.mover] : []),
  ].join(' › ');
  const hint = state.input
    ? state.input.kind === 'filter'
      ? `/${state.input.text}▏ Enter keeps the filter, Esc clears it`
      : `runAsUser: ${state.input.text}▏ Enter applies (empty: drop), Esc cancels`
    : state.overlay
      ? 'Esc closes · ↑↓ scroll · q quits'
      : state.view === 'detail'
        ? 'a annotation · u runAsUser · m kopiur · r reset · f fix-job · p annotate --scoped · c command · Esc back · ? help'
        : `Enter open · / filter · s sort (${state.view === 'namespaces' ? state.namespaces.sort : state.movers.sort})${state.view === 'movers' ? ' · * changes if the annotation flips' : ''} · ? help · q quit`;

  let body;
  if (state.overlay)
    body = (
      <Lines lines={shown.overlay} first={state.overlayScroll} height={height} color={color} />
    );
  else if (state.view === 'detail')
    body = <Lines lines={shown.detail} first={state.scroll} height={height} color={color} />;
  else {
    const table = { height, width: columns, tone: severityTone, color };
    body =
      state.view === 'namespaces' ? (
        <Table
          rows={shown.namespaces}
          columns={namespaceColumns}
          cursor={state.namespaces.cursor}
          {...table}
        />
      ) : (
        <Table rows={shown.movers} columns={moverColumns} cursor={state.movers.cursor} {...table} />
      );
  }

  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Text bold wrap="truncate-end">
        volsync-perms · {data.source} · {crumbs}
      </Text>
      {body}
      <Text wrap="truncate-end" dimColor={color && !state.input}>
        {hint}
      </Text>
    </Box>
  );
}
