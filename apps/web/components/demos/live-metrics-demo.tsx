import { LiveMetrics, type LiveMetric } from '@/registry/realtime/blocks/live-metrics/live-metrics';

const metrics: LiveMetric[] = [
  {
    key: 'cpu',
    label: 'CPU',
    format: { style: 'unit', unit: 'percent', maximumFractionDigits: 0 },
    trend: 'down-is-good',
    min: 0,
    max: 100,
  },
  { key: 'rps', label: 'Requests / s', format: { notation: 'compact', maximumFractionDigits: 1 }, trend: 'up-is-good' },
  {
    key: 'latency',
    label: 'p95 latency',
    format: { style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 },
    trend: 'down-is-good',
  },
  { key: 'memory', label: 'Memory', format: { style: 'unit', unit: 'gigabyte', maximumFractionDigits: 1 } },
];

/**
 * Streams /api/demo/metrics: a sample a second, with the last 30 sent on connect so the charts start full.
 * A Server Component can render the block: `metrics` is plain data.
 */
export function LiveMetricsDemo() {
  return <LiveMetrics url="/api/demo/metrics" title="api-1 (simulated)" metrics={metrics} window={30} />;
}
