import { useLightbox } from '../store.ts';

const COLUMNS = ['queued', 'running', 'done', 'failed', 'dead'] as const;
const COLUMN_TITLES: Record<(typeof COLUMNS)[number], string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Retrying',
  dead: 'Dead',
};

export function QueuePanel() {
  const queue = useLightbox((s) => s.queue);
  const kinds = queue ? Object.entries(queue.kinds) : [];
  return (
    <section className="panel" aria-labelledby="queue-title">
      <h2 id="queue-title">
        Queue <span className="muted queue-state">{queue ? (queue.idle ? 'idle' : 'working') : ''}</span>
      </h2>
      {kinds.length === 0 ? (
        <p className="muted">Nothing has been queued yet.</p>
      ) : (
        <table className="queue">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              {COLUMNS.map((column) => (
                <th key={column} scope="col">
                  {COLUMN_TITLES[column]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {kinds.map(([kind, stats]) => (
              <tr key={kind}>
                <th scope="row">{kind}</th>
                {COLUMNS.map((column) => (
                  <td key={column} data-nonzero={stats[column] > 0} data-column={column}>
                    {stats[column]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
