import * as React from 'react';
import { addons, types, useChannel } from 'storybook/manager-api';
import { AddonPanel } from 'storybook/internal/components';
import { useTheme } from 'storybook/theming';

import { ADDON_ID, EVENTS, PANEL_ID, type DevtoolsCommand, type DevtoolsSnapshot } from './constants';

type Connection = DevtoolsSnapshot['connections'][number];

const LATENCIES = [0, 250, 1000, 3000];

/**
 * The Realtime panel: every connection of the current story, live, with its event log and chaos controls. It
 * attaches to the preview only while shown, so hidden it costs the story nothing.
 */
function RealtimePanel({ active }: { active: boolean }) {
  const [snapshot, setSnapshot] = React.useState<DevtoolsSnapshot | null>(null);
  const emit = useChannel({ [EVENTS.SNAPSHOT]: (next: DevtoolsSnapshot) => setSnapshot(next) });
  const emitRef = React.useRef(emit);
  emitRef.current = emit;

  React.useEffect(() => {
    if (!active) return;
    emitRef.current(EVENTS.ATTACH);
    return () => {
      emitRef.current(EVENTS.DETACH);
      setSnapshot(null);
    };
  }, [active]);

  // A new story renders new connections: attach again (the bridge is idempotent) so its snapshot comes at once.
  useChannel({ storyRendered: () => active && emitRef.current(EVENTS.ATTACH) }, [active]);

  const command = (next: DevtoolsCommand) => emitRef.current(EVENTS.COMMAND, next);
  const select = (id: string | null) => emitRef.current(EVENTS.SELECT, id);

  return (
    <AddonPanel active={active}>
      {snapshot ? (
        <PanelBody snapshot={snapshot} onSelect={select} onCommand={command} />
      ) : (
        <Muted>Waiting for the story…</Muted>
      )}
    </AddonPanel>
  );
}

interface PanelBodyProps {
  snapshot: DevtoolsSnapshot;
  onSelect: (id: string | null) => void;
  onCommand: (command: DevtoolsCommand) => void;
}

function PanelBody({ snapshot, onSelect, onCommand }: PanelBodyProps) {
  const theme = useTheme();
  const selected = snapshot.connections.find((connection) => connection.id === snapshot.selected) ?? null;
  const border = `1px solid ${theme.appBorderColor}`;
  if (snapshot.connections.length === 0) return <Muted>This story has no live realtime connection.</Muted>;
  return (
    <div style={{ display: 'grid', gridTemplateColumns: 'minmax(12rem, 18rem) 1fr', height: '100%', fontSize: 12 }}>
      <ul
        aria-label="Connections"
        style={{ listStyle: 'none', margin: 0, padding: 0, borderInlineEnd: border, overflowY: 'auto' }}
      >
        {snapshot.connections.map((connection) => (
          <li key={connection.id}>
            <button
              type="button"
              aria-pressed={connection.id === snapshot.selected}
              onClick={() => onSelect(connection.id === snapshot.selected ? null : connection.id)}
              style={{
                display: 'block',
                width: '100%',
                textAlign: 'start',
                padding: '8px 10px',
                border: 0,
                borderBottom: border,
                background: connection.id === snapshot.selected ? theme.background.hoverable : 'transparent',
                color: 'inherit',
                cursor: 'pointer',
                font: 'inherit',
              }}
            >
              <strong>{connection.transport}</strong> {connection.url ?? connection.id}
              <br />
              <span style={{ color: theme.textMutedColor }}>
                {connection.status}
                {connection.attempt > 0 && ` · attempt ${connection.attempt}`}
                {connection.kind === 'client' &&
                  ` · ${connection.channels.length} channels · outbox ${connection.outbox}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
      <div style={{ overflowY: 'auto', padding: 10 }}>
        {selected ? (
          <ConnectionView connection={selected} log={snapshot.log} onCommand={onCommand} />
        ) : (
          <Muted>Select a connection.</Muted>
        )}
      </div>
    </div>
  );
}

function ConnectionView({
  connection,
  log,
  onCommand,
}: {
  connection: Connection;
  log: DevtoolsSnapshot['log'];
  onCommand: PanelBodyProps['onCommand'];
}) {
  const theme = useTheme();
  const [dropCount, setDropCount] = React.useState(3);
  const { id } = connection;
  const client = connection.kind === 'client';
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }}>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center' }}>
        <strong>{connection.status}</strong>
        <button type="button" onClick={() => onCommand({ id, action: 'disconnect' })}>
          Disconnect
        </button>
        {client && (
          <>
            <button
              type="button"
              aria-pressed={connection.chaos.offline}
              onClick={() => onCommand({ id, action: connection.chaos.offline ? 'online' : 'offline' })}
            >
              {connection.chaos.offline ? 'Go online' : 'Go offline'}
            </button>
            <label>
              Latency{' '}
              <select
                value={connection.chaos.delayMs}
                onChange={(event) => onCommand({ id, action: 'delay', ms: Number(event.target.value) })}
              >
                {[...new Set([...LATENCIES, connection.chaos.delayMs])].map((ms) => (
                  <option key={ms} value={ms}>
                    {ms === 0 ? 'none' : `${ms} ms`}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Drop next{' '}
              <input
                type="number"
                min={1}
                value={dropCount}
                onChange={(event) => setDropCount(Math.max(1, Number(event.target.value) || 1))}
                style={{ width: 48 }}
              />
            </label>
            <button type="button" onClick={() => onCommand({ id, action: 'drop', count: dropCount })}>
              Drop
            </button>
            {connection.chaos.dropping > 0 && <span>{connection.chaos.dropping} left to drop</span>}
            <button type="button" onClick={() => onCommand({ id, action: 'heal' })}>
              Heal
            </button>
          </>
        )}
      </div>
      <div>
        Timeline:{' '}
        {connection.timeline.map((entry, index) => (
          <span key={index} style={{ color: theme.textMutedColor }}>
            {index > 0 && ' → '}
            {entry.status}
            {entry.attempt > 0 && ` (${entry.attempt})`}
          </span>
        ))}
      </div>
      {client && connection.channels.length > 0 && (
        <table style={{ borderCollapse: 'collapse' }}>
          <thead>
            <tr>
              {['Channel', 'Subscribed', 'Last seq', 'Pending', 'Members'].map((heading) => (
                <th key={heading} scope="col" style={{ textAlign: 'start', paddingInlineEnd: 12 }}>
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {connection.channels.map((channel) => (
              <tr key={channel.name}>
                <th scope="row" style={{ textAlign: 'start', fontWeight: 'normal', paddingInlineEnd: 12 }}>
                  {channel.name}
                </th>
                <td>{channel.subscribed ? 'yes' : 'no'}</td>
                <td>{channel.lastSeq}</td>
                <td>{channel.pending}</td>
                <td>{channel.members.map((member) => member.userId).join(', ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log && (
        <section aria-label="Events">
          <div style={{ display: 'flex', gap: 6, alignItems: 'center', marginBottom: 6 }}>
            <strong>Events</strong>
            <button type="button" onClick={() => onCommand({ id, action: log.paused ? 'resume' : 'pause' })}>
              {log.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" onClick={() => onCommand({ id, action: 'clear' })}>
              Clear
            </button>
            {log.discarded > 0 && <span style={{ color: theme.textMutedColor }}>{log.discarded} not kept</span>}
          </div>
          <ol style={{ listStyle: 'none', margin: 0, padding: 0, fontFamily: theme.typography.fonts.mono }}>
            {[...log.events].reverse().map((event) => (
              <li key={event.seq} style={{ borderTop: `1px solid ${theme.appBorderColor}`, padding: '3px 0' }}>
                <details>
                  <summary style={{ cursor: 'pointer' }}>
                    <span aria-label={event.direction === 'in' ? 'in' : 'out'}>
                      {event.direction === 'in' ? '↓' : '↑'}
                    </span>{' '}
                    {event.type}
                    {event.event && ` ${event.event}`}
                    {event.channel && ` · ${event.channel}`}
                    {event.fault && ` · ${event.fault}`} · {event.size} B · {new Date(event.at).toLocaleTimeString()}
                  </summary>
                  <pre style={{ margin: '4px 0', whiteSpace: 'pre-wrap' }}>
                    {JSON.stringify(event.payload, null, 2)}
                  </pre>
                </details>
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function Muted({ children }: { children: React.ReactNode }) {
  const theme = useTheme();
  return <p style={{ padding: 12, margin: 0, color: theme.textMutedColor }}>{children}</p>;
}

addons.register(ADDON_ID, () => {
  addons.add(PANEL_ID, {
    type: types.PANEL,
    title: 'Realtime',
    render: ({ active }) => <RealtimePanel active={active ?? false} />,
  });
});
