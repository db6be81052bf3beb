/**
 * The simulated server behind /api/demo/metrics: one sample per second, each a pure function of its second
 * (smooth waves, no Math.random), so every client sees the same numbers and a reconnecting client resumes from its
 * `Last-Event-ID` (the sample's second) without the server keeping any state.
 */
import type { LiveMetricsSample } from '@/registry/realtime/blocks/live-metrics/live-metrics';

/** How many samples a new client gets at once, so its charts start full. */
export const DEMO_METRICS_HISTORY = 30;

/** The sample of one wall-clock second (seconds since the epoch). */
export function demoMetricsSample(second: number): LiveMetricsSample & { at: number } {
  const t = second;
  const wave = (period: number, phase = 0) => Math.sin((2 * Math.PI * t) / period + phase);
  const cpu = 46 + 18 * wave(47) + 7 * wave(11, 1) + 3 * wave(3, 2);
  const rps = 1850 + 650 * wave(83, 0.5) + 180 * wave(13) + 60 * wave(5, 1);
  const latency = 120 + 0.04 * (rps - 1850) + 25 * wave(29, 2) + 8 * wave(7);
  const memory = 3.1 + 0.6 * ((t % 240) / 240) + 0.05 * wave(17);
  return {
    at: second * 1000,
    values: {
      cpu: round(cpu, 1),
      rps: Math.round(rps),
      latency: Math.round(latency),
      memory: round(memory, 2),
    },
  };
}

function round(value: number, digits: number) {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
