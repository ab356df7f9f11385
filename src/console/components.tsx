// The console's building blocks: sections, figures, tables and error notes.
import type { ComponentChildren } from 'preact';

export function Section(props: {
  title: string;
  id?: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="panel" id={props.id}>
      <header>
        <h2>{props.title}</h2>
        {props.actions}
      </header>
      {props.children}
    </section>
  );
}

export function Figures(props: { items: Array<[label: string, value: ComponentChildren, testId?: string]> }) {
  return (
    <dl class="figures">
      {props.items.map(([label, value, testId]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd data-testid={testId}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export type Column<T> = { label: string; cell: (row: T) => ComponentChildren };

export function Table<T>(props: {
  columns: Array<Column<T>>;
  rows: readonly T[] | undefined;
  empty: string;
  testId?: string;
}) {
  if (!props.rows) return <p class="muted">Loading…</p>;
  if (props.rows.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <div class="table-wrap">
      <table data-testid={props.testId}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.label}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, i) => (
            <tr key={i}>
              {props.columns.map((c) => (
                <td key={c.label}>{c.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export const ErrorNote = (props: { error: string | undefined }) =>
  props.error ? (
    <p class="error" role="alert">
      {props.error}
    </p>
  ) : null;

export const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');
export const percent = (share: number | null | undefined): string =>
  share === null || share === undefined ? '—' : `${(share * 100).toFixed(1)} %`;
/** A latency bound in ms, the one unit of every latency figure here ("over_30000" is past the last bucket). */
export const latency = (ms: number | string | null): string =>
  ms === null ? '—' : typeof ms === 'number' ? `≤ ${ms} ms` : '> 30000 ms';
