// `pnpm bench`: runs every suite (or those named: `pnpm bench sizes server`), prints one table of ratios against
// the peers measured in the same run, and writes results/latest.json, ../BENCHMARKS.md and ../docs/benchmarks.png.
// Loads go only to 127.0.0.1 and stop by themselves. The machine is shared and noisy: read the ratios, not the
// absolute numbers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderChart, renderMarkdown, renderTable, type BenchReport } from './lib/report.js';
import type { BenchRow } from './lib/result.js';

const SUITES = [
  'sizes',
  'sse-parse',
  'server',
  'compression',
  'fanout',
  'cluster',
  'react-commits',
  'chat-room',
  'ai-stream',
  'latency',
  'reconnect-storm',
] as const;
type Suite = (typeof SUITES)[number];

const here = import.meta.dirname;
const root = path.resolve(here, '..');

async function main() {
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  const unknown = asked.filter((name) => !SUITES.includes(name as Suite));
  if (unknown.length > 0) throw new Error(`Unknown suite(s): ${unknown.join(', ')}. Suites: ${SUITES.join(', ')}.`);
  const suites = (asked.length > 0 ? asked : SUITES) as Suite[];
  const write = !process.argv.includes('--no-write');

  const started = new Date();
  const rows: (BenchRow & { suite: string })[] = [];
  const failures: string[] = [];
  for (const suite of suites) {
    const began = Date.now();
    process.stdout.write(`> ${suite} … `);
    try {
      const module = (await import(`./suites/${suite}.ts`)) as { run(): Promise<BenchRow[]> };
      const suiteRows = await module.run();
      rows.push(...suiteRows.map((row) => ({ ...row, suite })));
      process.stdout.write(`${suiteRows.length} rows in ${((Date.now() - began) / 1000).toFixed(0)} s\n`);
    } catch (error) {
      failures.push(`${suite}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.stdout.write('failed\n');
    }
  }

  const report: BenchReport = { date: started.toISOString(), machine: machine(), versions: versions(), rows };
  console.log(`\n${renderTable(report)}`);
  if (failures.length > 0) console.error(`\nSuites that failed:\n${failures.join('\n\n')}`);
  if (write && suites.length === SUITES.length && failures.length === 0) {
    mkdirSync(path.join(here, 'results'), { recursive: true });
    writeFileSync(path.join(here, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    mkdirSync(path.join(root, 'docs'), { recursive: true });
    await renderChart(report, path.join(root, 'docs', 'benchmarks.png'));
    writeFileSync(path.join(root, 'BENCHMARKS.md'), renderMarkdown(report, 'docs/benchmarks.png'));
    console.log('\nWrote bench/results/latest.json, BENCHMARKS.md and docs/benchmarks.png.');
  } else if (write) {
    console.log('\nNot writing BENCHMARKS.md: only a full run with every suite passing replaces it.');
  }
  if (failures.length > 0) process.exitCode = 1;
}

function machine(): BenchReport['machine'] {
  const cpus = os.cpus();
  return {
    cpu: `${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function versions(): Record<string, string> {
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  const of = (name: string) => {
    try {
      return read(path.join(here, 'node_modules', name, 'package.json')).version ?? '?';
    } catch {
      return 'not installed';
    }
  };
  const chromium = (() => {
    try {
      return execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      return 'not found';
    }
  })();
  return {
    '@realtime-kit/core': read(path.join(root, 'packages/core/package.json')).version ?? '?',
    '@realtime-kit/react': read(path.join(root, 'packages/react/package.json')).version ?? '?',
    '@realtime-kit/server': read(path.join(root, 'packages/server/package.json')).version ?? '?',
    'socket.io': of('socket.io'),
    'react-use-websocket': of('react-use-websocket'),
    partysocket: of('partysocket'),
    ably: of('ably'),
    '@liveblocks/react': of('@liveblocks/react'),
    'eventsource-parser': of('eventsource-parser'),
    react: of('react'),
    esbuild: of('esbuild'),
    chromium,
  };
}

await main();
