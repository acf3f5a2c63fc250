import { Box, Text, useApp, useInput, useWindowSize } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TuiData } from './data.js';
import { commandFor, keymap, type KeyPress } from './keymap.js';
import { detailLines, type Line } from './lines.js';
import {
  findingCell,
  moverRows,
  namespaceRows,
  visibleRows,
  type MoverRow,
  type NamespaceRow,
} from './model.js';
import { Lines, Table, type Column } from './Screen.js';
import { reduce, type Event, type State } from './state.js';

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

function helpLines(): Line[] {
  return [
    { text: 'Keys', tone: 'title' },
    ...keymap
      .filter((b) => b.keys !== '')
      .map((b) => ({
        text: `  ${b.keys.padEnd(10)} ${b.help}${b.views ? ` (${b.views.join(', ')})` : ''}`,
      })),
    { text: '' },
    {
      text: 'What-ifs (a, u) are resolved by the same rules as explain, on a copy of the input:',
      tone: 'dim',
    },
    {
      text: 'nothing is written. The TUI applies nothing; the CLI commands do, with --apply.',
      tone: 'dim',
    },
  ];
}

const toText = (text: string): Line[] =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((t) => ({ text: t }));

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

  const namespaces = useMemo(() => namespaceRows(data), [data]);
  const movers = useMemo(
    () => (state.namespace === undefined ? [] : moverRows(data, state.namespace)),
    [data, state.namespace],
  );
  // moving the cursor must not filter and sort thousands of rows again
  const { filter: nsFilter, sort: nsSort } = state.namespaces;
  const shownNamespaces = useMemo(
    () => visibleRows(namespaces, { filter: nsFilter, sort: nsSort }),
    [namespaces, nsFilter, nsSort],
  );
  const { filter: moverFilter, sort: moverSort } = state.movers;
  const shownMovers = useMemo(
    () => visibleRows(movers, { filter: moverFilter, sort: moverSort }),
    [movers, moverFilter, moverSort],
  );
  const ref = useMemo(() => {
    if (state.mover === undefined || state.namespace === undefined) return undefined;
    const [kind = '', ...name] = state.mover.split('/');
    return { kind, namespace: state.namespace, name: name.join('/') };
  }, [state.mover, state.namespace]);
  const detail = useMemo(
    () =>
      state.view === 'detail' && ref
        ? detailLines(
            data.subject(ref, state.whatIf),
            state.whatIf,
            ref.namespace,
            data.audits(ref),
          )
        : [],
    [data, state.view, ref, state.whatIf],
  );
  const overlay = useMemo((): Line[] => {
    switch (state.overlay) {
      case 'help':
        return helpLines();
      case 'fixJob':
        return ref ? toText(data.fixJobYaml(ref)) : [];
      case 'annotatePreview':
        return ref ? toText(data.annotatePreview(ref)) : [];
      case 'copyCommand':
        return [
          {
            text: 'The same view from the command line (copied to the clipboard where the terminal allows):',
            tone: 'dim',
          },
          { text: data.command(state.view === 'detail' ? ref : undefined, state.namespace) },
        ];
      default:
        return [];
    }
  }, [data, state.overlay, state.view, ref, state.namespace]);

  useEffect(() => {
    if (state.overlay === 'copyCommand')
      onCopy?.(data.command(state.view === 'detail' ? ref : undefined, state.namespace));
  }, [state.overlay, state.view, ref, state.namespace, data, onCopy]);
  useEffect(() => {
    if (state.done) exit();
  }, [state.done, exit]);

  const list = state.view === 'namespaces' ? shownNamespaces : shownMovers;
  const cursor = state.view === 'namespaces' ? state.namespaces.cursor : state.movers.cursor;
  // keys are read against the state they arrive in (typed fast, several land before a render)
  const screen = useRef({ list, cursor, detail: detail.length, overlay: overlay.length });
  screen.current = { list, cursor, detail: detail.length, overlay: overlay.length };
  useInput((input: string, key: KeyPress) => {
    setState((s) => {
      let event: Event | undefined;
      if (s.input) {
        if (key.return) event = { type: 'submit' };
        else if (key.escape) event = { type: 'cancel' };
        else if (key.backspace || key.delete) event = { type: 'erase' };
        else if (input !== '' && !key.ctrl) event = { type: 'type', text: input };
      } else {
        const command = commandFor(s.view, input, key);
        if (command) event = { type: 'command', command };
      }
      if (!event) return s;
      const now = screen.current;
      const selected = now.list[now.cursor]?.key;
      return reduce(s, event, {
        rows: s.overlay ? now.overlay : s.view === 'detail' ? now.detail : now.list.length,
        page: height - 1,
        ...(selected !== undefined && { selected }),
        ...(s.namespace !== undefined && { privileged: data.namespace(s.namespace).privileged }),
      });
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
        ? 'a annotation · u runAsUser · r reset · f fix-job · p annotate --scoped · c command · Esc back · ? help'
        : `Enter open · / filter · s sort (${state.view === 'namespaces' ? state.namespaces.sort : state.movers.sort})${state.view === 'movers' ? ' · * changes if the annotation flips' : ''} · ? help · q quit`;

  let body;
  if (state.overlay)
    body = <Lines lines={overlay} first={state.overlayScroll} height={height} color={color} />;
  else if (state.view === 'detail')
    body = <Lines lines={detail} first={state.scroll} height={height} color={color} />;
  else {
    const table = { height, width: columns, tone: severityTone, color };
    body =
      state.view === 'namespaces' ? (
        <Table
          rows={shownNamespaces}
          columns={namespaceColumns}
          cursor={state.namespaces.cursor}
          {...table}
        />
      ) : (
        <Table rows={shownMovers} columns={moverColumns} cursor={state.movers.cursor} {...table} />
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
