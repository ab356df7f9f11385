// A time-series chart on uPlot (canvas, about 50 kB): one x axis of seconds, one line per series.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export type ChartSeries = { label: string; values: Array<number | null> };

const COLOURS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#9a6700', '#bf3989', '#57606a'];

export function LineChart(props: { title: string; times: number[]; series: ChartSeries[]; testId?: string }) {
  const target = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = target.current;
    if (!element || props.times.length === 0) return;
    const lone = props.times.every((t) => t === props.times[0]) ? props.times[0] : undefined;
    const plot = new uPlot(
      {
        title: props.title,
        width: Math.max(320, element.clientWidth || 600),
        height: 220,
        series: [
          {},
          ...props.series.map((s, i) => ({
            label: s.label,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 2,
            spanGaps: true,
          })),
        ],
        // A lone point gets half an hour of context instead of a range of years. (uPlot widens a one-time range
        // itself, by a day in ms read as seconds, before this is called: so look at the times, not min and max.)
        scales: {
          x: { time: true, range: (_plot, min, max) => (lone === undefined ? [min, max] : [lone - 1_800, lone + 60]) },
        },
        // Prices and spends are tiny decimals: show significant digits, not "0".
        axes: [
          {},
          {
            // as wide as its longest label ("0.0000004" does not fit a fixed width)
            size: (_plot, values) => 24 + 7 * Math.max(1, ...(values ?? []).map((v) => v.length)),
            values: (_plot, splits) => splits.map((v) => (v === 0 ? '0' : Number(v.toPrecision(2)).toString())),
          },
        ],
      },
      [props.times, ...props.series.map((s) => s.values)],
      element,
    );
    return () => plot.destroy();
  }, [props.title, props.times, props.series]);
  return (
    <div class="chart" data-testid={props.testId}>
      {props.times.length === 0 ? <p class="muted">{props.title}: no data yet.</p> : <div ref={target} />}
    </div>
  );
}

/** Points keyed by time and a group (a model, a key) as one series per group over the union of the times. */
export function seriesByGroup<P>(
  points: readonly P[],
  timeOf: (p: P) => number,
  groupOf: (p: P) => string,
  valueOf: (p: P) => number,
): { times: number[]; series: ChartSeries[] } {
  const times = [...new Set(points.map(timeOf))].sort((a, b) => a - b);
  const groups = [...new Set(points.map(groupOf))].sort();
  const series = groups.map((label) => ({
    label,
    values: times.map((t) => {
      const matching = points.filter((p) => timeOf(p) === t && groupOf(p) === label);
      return matching.length === 0 ? null : matching.reduce((sum, p) => sum + valueOf(p), 0);
    }),
  }));
  return { times, series };
}
