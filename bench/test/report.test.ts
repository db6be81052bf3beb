import { describe, expect, it } from 'vitest';
import { goalScore, renderMarkdown, renderSvg, renderTable, type BenchReport } from '../lib/report.js';
import { isMet, ratioOf, type BenchRow } from '../lib/result.js';

const row = (overrides: Partial<BenchRow>): BenchRow & { suite: string } => ({
  suite: 'test',
  measure: 'm',
  ours: { value: 1, unit: 'µs' },
  ...overrides,
});

const report = (rows: (BenchRow & { suite: string })[]): BenchReport => ({
  date: '2026-11-23T00:00:00.000Z',
  machine: { cpu: 'cpu × 2', memory: '24 GiB', os: 'Linux', node: 'v20' },
  versions: { react: '19' },
  rows,
});

describe('benchmark report', () => {
  it('judges ratio and value targets in the right direction', () => {
    const faster = row({
      ours: { value: 8, unit: 'µs' },
      peer: { name: 'p', value: 10, unit: 'µs' },
      target: { kind: 'ratio', op: '<=', value: 0.85 },
    });
    expect(ratioOf(faster)).toBeCloseTo(0.8);
    expect(isMet(faster)).toBe(true);
    const slower = row({
      ours: { value: 9, unit: 'µs' },
      peer: { name: 'p', value: 10, unit: 'µs' },
      target: { kind: 'ratio', op: '<=', value: 0.85 },
    });
    expect(isMet(slower)).toBe(false);
    const burst = row({
      ours: { value: 20, unit: '/s' },
      peer: { name: 'p', value: 10, unit: '/s' },
      target: { kind: 'ratio', op: '>=', value: 3 },
    });
    expect(isMet(burst)).toBe(false);
    expect(goalScore(burst)).toBeCloseTo(1.5);
    const size = row({ ours: { value: 2000, unit: 'B' }, target: { kind: 'value', op: '<=', value: 2560 } });
    expect(isMet(size)).toBe(true);
    expect(isMet(row({}))).toBeUndefined();
  });

  it('renders every row in the table, the markdown and the chart', () => {
    const rows = [
      row({
        measure: 'alpha',
        ours: { value: 1.5, unit: 'µs' },
        peer: { name: 'peer', value: 2, unit: 'µs' },
        target: { kind: 'ratio', op: '<=', value: 1 },
        note: 'n=3',
      }),
      row({ measure: 'beta | pipes', ours: { value: Number.NaN, unit: 'ms' }, note: 'not measured yet' }),
    ];
    expect(renderTable(report(rows))).toMatch(/alpha\s+1\.50 µs\s+2\.00 µs \(peer\)\s+0\.75×\s+ratio <= 1\s+yes/);
    const markdown = renderMarkdown(report(rows), 'docs/chart.png');
    expect(markdown).toContain('| beta \\| pipes | not measured |');
    expect(markdown).toContain('1 targets met, 0 missed');
    expect(markdown).toContain('![');
    const svg = renderSvg(report(rows));
    expect(svg).toContain('alpha');
    expect(svg).not.toContain('beta');
  });
});
