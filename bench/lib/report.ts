import { isMet, ratioOf, type BenchRow, type Figure } from './result.js';

/** A whole run: what `pnpm bench` writes to results/latest.json and renders into BENCHMARKS.md. */
export interface BenchReport {
  readonly date: string;
  readonly machine: { readonly cpu: string; readonly memory: string; readonly os: string; readonly node: string };
  readonly versions: Readonly<Record<string, string>>;
  readonly rows: readonly (BenchRow & { readonly suite: string })[];
}

const COLUMNS = ['measure', 'ours', 'peer', 'ratio', 'target', 'met'] as const;

function figure(value: Figure | undefined): string {
  if (!value) return '—';
  if (!Number.isFinite(value.value)) return 'not measured';
  const abs = Math.abs(value.value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return `${value.value.toFixed(digits)} ${value.unit}`;
}

function cells(row: BenchRow): Record<(typeof COLUMNS)[number], string> {
  const ratio = ratioOf(row);
  const met = isMet(row);
  const target = row.target
    ? `${row.target.kind === 'ratio' ? 'ratio' : 'ours'} ${row.target.op} ${row.target.value}`
    : 'report';
  return {
    measure: row.measure,
    ours: figure(row.ours),
    peer: row.peer ? `${figure(row.peer)} (${row.peer.name})` : '—',
    ratio: ratio === undefined || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}×`,
    target,
    met: met === undefined ? '—' : met ? 'yes' : 'NO',
  };
}

/** A plain-text table for the terminal. */
export function renderTable(report: BenchReport): string {
  const rows = report.rows.map(cells);
  const widths = COLUMNS.map((column) => Math.max(column.length, ...rows.map((row) => row[column].length)));
  const line = (values: readonly string[]) => values.map((value, i) => value.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(COLUMNS),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(COLUMNS.map((column) => row[column]))),
  ].join('\n');
}

/** BENCHMARKS.md: the table, the machine, the versions, the chart and the notes. */
export function renderMarkdown(report: BenchReport, chartPath: string): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  const table = [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map(() => '---').join('|')}|`,
    ...report.rows.map((row) => {
      const values = cells(row);
      return `| ${COLUMNS.map((column) => escape(values[column])).join(' | ')} |`;
    }),
  ].join('\n');
  const notes = report.rows
    .filter((row) => row.note)
    .map((row) => `- **${escape(row.measure)}** — ${row.note}`)
    .join('\n');
  const met = report.rows.filter((row) => isMet(row) === true).length;
  const missed = report.rows.filter((row) => isMet(row) === false).length;
  return `# Benchmarks

Measured by \`pnpm bench\` on ${report.date.slice(0, 10)} (${report.date}). Every ratio is ours ÷ the peer, both measured
in the same run, interleaved round by round: the machine is shared and noisy, so absolute numbers drift while the
paired ratios hold. ${met} targets met, ${missed} missed; rows without a target are reported for comparison.

![Each target as measured ÷ goal: left of the line is within the goal](${chartPath})

${table}

## Notes
${notes || '- none'}

## Machine
- CPU: ${report.machine.cpu}
- Memory: ${report.machine.memory}
- OS: ${report.machine.os}
- Node: ${report.machine.node}

## Versions
${Object.entries(report.versions)
  .map(([name, version]) => `- ${name}: ${version}`)
  .join('\n')}

Re-run with \`pnpm bench\` (all suites; only a full run rewrites this file) or \`pnpm bench sizes server\` (some,
printed only). \`npm test\` checks the bundle sizes too: the tree-shaking row at its goal, the three size rows against
ceilings at their size when first measured (+3%), lowered as they shrink towards the goals above.
`;
}

/** How far a row is from its goal: measured ÷ goal for "≤" targets, goal ÷ measured for "≥" (≤ 1 means met). */
export function goalScore(row: BenchRow): number | undefined {
  if (!row.target) return undefined;
  const measured = row.target.kind === 'ratio' ? ratioOf(row) : row.ours.value;
  if (measured === undefined || !Number.isFinite(measured)) return undefined;
  // A goal of 0 (e.g. "0 dropped") is met exactly at 0: score it against 1 so it plots.
  const goal = row.target.value === 0 ? 1 : row.target.value;
  const score =
    row.target.op === '<='
      ? row.target.value === 0
        ? measured + 0.1
        : measured / goal
      : goal / Math.max(measured, 1e-9);
  return Math.max(score, 1e-3);
}

/** An SVG bar chart of every row with a target, on a log scale around the goal line. */
export function renderSvg(report: BenchReport): string {
  const rows = report.rows.flatMap((row) => {
    const score = goalScore(row);
    return score === undefined ? [] : [{ row, score, met: isMet(row) === true }];
  });
  const width = 1180;
  const left = 400;
  const right = 330;
  const barHeight = 22;
  const gap = 10;
  const top = 56;
  const height = top + rows.length * (barHeight + gap) + 40;
  const min = Math.log10(0.05);
  const max = Math.log10(20);
  const x = (score: number) =>
    left + ((Math.log10(Math.min(Math.max(score, 0.05), 20)) - min) / (max - min)) * (width - left - right);
  const goalX = x(1);
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows
    .map(({ row, score, met }, i) => {
      const y = top + i * (barHeight + gap);
      const label = row.measure.length > 56 ? `${row.measure.slice(0, 55)}…` : row.measure;
      const ratio = ratioOf(row);
      const peer = (row.peer?.name ?? '').replace(/\s*\(.*$/, '');
      const short = peer.length > 30 ? `${peer.slice(0, 29)}…` : peer;
      const detail =
        row.target?.kind === 'value' || ratio === undefined || !Number.isFinite(ratio)
          ? `${figure(row.ours)} (goal ${row.target?.op === '>=' ? '≥' : '≤'} ${row.target?.value ?? '—'})`
          : `${ratio.toFixed(2)}× ${short} (goal ${row.target?.op === '>=' ? '≥' : '≤'} ${row.target?.value ?? '—'})`;
      return `<text x="${left - 10}" y="${y + 15}" text-anchor="end" font-size="12">${escape(label)}</text>
<rect x="${x(0.05)}" y="${y}" width="${Math.max(2, x(score) - x(0.05))}" height="${barHeight}" rx="3" fill="${met ? '#16a34a' : '#dc2626'}" opacity="0.85"/>
<text x="${width - right + 12}" y="${y + 15}" font-size="11" fill="#334155">${escape(detail)}</text>`;
    })
    .join('\n');
  const ticks = [0.1, 0.25, 0.5, 1, 2, 4, 10]
    .map(
      (tick) =>
        `<line x1="${x(tick)}" x2="${x(tick)}" y1="${top - 6}" y2="${height - 34}" stroke="#e2e8f0"/><text x="${x(tick)}" y="${height - 18}" font-size="11" text-anchor="middle" fill="#64748b">${tick}</text>`,
    )
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="20" y="26" font-size="16" font-weight="600">realtime-kit benchmarks — measured ÷ goal (log scale; green = goal met)</text>
<text x="20" y="44" font-size="11" fill="#64748b">${escape(report.date.slice(0, 10))} · ${escape(report.machine.cpu)} · Node ${escape(report.machine.node)}</text>
${ticks}
<line x1="${goalX}" x2="${goalX}" y1="${top - 10}" y2="${height - 34}" stroke="#0f172a" stroke-width="2"/>
<text x="${goalX + 4}" y="${top - 14}" font-size="11">goal</text>
${bars}
</svg>`;
}

/** Renders the chart to a PNG in headless Chromium (the system one: `CHROMIUM_PATH` or /usr/bin/chromium). */
export async function renderChart(report: BenchReport, file: string): Promise<void> {
  const { chromium } = await import('playwright');
  const svg = renderSvg(report);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: file });
  } finally {
    await browser.close();
  }
}
