#!/usr/bin/env node
/**
 * The test command (`npm test` runs setup.mjs, then this): every check in the repo through turbo, then one
 * summary line, `N passed, N failed`, as the last line of output. Exits 1 if anything failed.
 *
 *   turbo run build typecheck typecheck:registry lint test build-storybook test-storybook test-scripts
 *
 * Counting:
 *   - test tasks (`test`, `test-storybook`, `test-scripts`, anything named test*) count their tests, from the
 *     Vitest JSON report each one writes to <package>/.reports/*.json (declared as turbo outputs, so a cache hit
 *     restores the report and the counts stay right). A test task that failed but whose report shows no failed
 *     test (a file that did not load, a crash, no report at all) counts as 1 failed.
 *   - every other task (build, typecheck, typecheck:registry, lint, build-storybook, registry:build) is not a test:
 *     it adds nothing when it passes and 1 failed when it fails.
 *   - a task that never ran because a task it depends on failed counts as 1 failed.
 * So the line never says `0 failed` when something failed.
 *
 * Usage: node scripts/test-all.mjs [extra turbo args, e.g. --filter=@realtime-kit/core]
 * Env: TEST_ALL_TASKS="build test" to run other tasks; TEST_ALL_TIMEOUT_MIN (default 60).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { childEnv, findChromium, ROOT, since } from './lib/toolchain.mjs';

const TASKS = (
  process.env.TEST_ALL_TASKS ??
  'build typecheck typecheck:registry lint test build-storybook test-storybook test-scripts'
)
  .split(/\s+/)
  .filter(Boolean);
const TIMEOUT_MS = Number(process.env.TEST_ALL_TIMEOUT_MIN ?? 60) * 60_000;
const started = performance.now();
const isTestTask = (task) => /^test(?:$|[-:])/.test(task);
// The browser tests' configs fall back to /usr/bin/chromium only; hand them the Chromium setup.mjs found (also
// chromium-browser or Chrome on PATH, or Chromium.app on macOS). CHROMIUM_PATH is in turbo's pass-through list.
const chromium = findChromium();
const taskEnv = childEnv(chromium ? { CHROMIUM_PATH: chromium } : {});

// 1. No stale reports: every report read below comes from this run or from turbo's cache of it.
const workspaceDirs = listWorkspaceDirs();
for (const dir of ['', ...workspaceDirs]) rmSync(path.join(ROOT, dir, '.reports'), { recursive: true, force: true });

// 2. Run everything.
const runsDir = path.join(ROOT, '.turbo', 'runs');
const summariesBefore = new Set(existsSync(runsDir) ? readdirSync(runsDir) : []);
const turboArgs = [
  'run',
  ...TASKS,
  // Keep going after a failure, but do not run tasks whose dependencies failed (they count as failed).
  '--continue=dependencies-successful',
  // One task at a time: the chaos, soak and browser tests are bounded in time, and on a 2-core machine running
  // them beside next build and storybook build starves them. Serial costs a few minutes and keeps them honest.
  '--concurrency=1',
  '--summarize',
  '--output-logs=new-only',
  ...process.argv.slice(2),
];
console.log(`test-all: turbo ${turboArgs.join(' ')}`);
const turboExit = await run(path.join(ROOT, 'node_modules', '.bin', 'turbo'), turboArgs);

// 3. Count.
const summaryFile = existsSync(runsDir)
  ? readdirSync(runsDir)
      .filter((file) => file.endsWith('.json') && !summariesBefore.has(file))
      .map((file) => path.join(runsDir, file))
      .sort((a, b) => statTime(b) - statTime(a))[0]
  : undefined;
const summary = summaryFile ? readJson(summaryFile) : null;

let passed = 0;
let failed = 0;
const lines = [];
const failures = [];
const tasks = (summary?.tasks ?? []).filter((task) => task.command && task.command !== '<NONEXISTENT>');
const rootTestTasks = tasks.filter((task) => isRoot(task) && isTestTask(task.task));

for (const task of tasks.sort((a, b) => a.taskId.localeCompare(b.taskId))) {
  const exitCode = task.execution?.exitCode;
  const ran = typeof exitCode === 'number';
  const ok = exitCode === 0;
  const cached = task.cache?.status === 'HIT' ? ' (cached)' : '';
  if (isTestTask(task.task)) {
    const reports = reportsFor(task);
    let taskPassed = 0;
    let taskFailed = 0;
    for (const report of reports) {
      taskPassed += report.numPassedTests ?? 0;
      taskFailed += report.numFailedTests ?? 0;
    }
    let note = '';
    if (!ok && taskFailed === 0) {
      taskFailed = 1;
      note = !ran
        ? ' - not run: a dependency failed'
        : reports.length === 0
          ? ` - exit ${exitCode}, no report`
          : ` - exit ${exitCode}, no failed test in the report`;
    } else if (ok && reports.length === 0) {
      taskFailed = 1;
      note = ' - passed but wrote no .reports/*.json (add the json reporter to its vitest config)';
    }
    passed += taskPassed;
    failed += taskFailed;
    lines.push(`  ${task.taskId.padEnd(44)} ${taskPassed} passed, ${taskFailed} failed${cached}${note}`);
    if (taskFailed > 0) failures.push(task.taskId);
  } else {
    if (!ok) failed += 1;
    lines.push(
      `  ${task.taskId.padEnd(44)} ${ok ? 'ok' : ran ? `FAILED (exit ${exitCode})` : 'FAILED (not run: a dependency failed)'}${cached}`,
    );
    if (!ok) failures.push(task.taskId);
  }
}

if (turboExit !== 0 && failed === 0) {
  // turbo itself failed (bad config, killed, timed out) without any task to blame.
  failed = 1;
  failures.push(`turbo (exit ${turboExit}${summary ? '' : ', no run summary'})`);
}

console.log(
  `\ntest-all: ${tasks.length} tasks in ${since(started)} (tests count one each; a failed build or typecheck counts as one failure)`,
);
for (const line of lines) console.log(line);
if (failures.length > 0) console.log(`test-all: failed: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

// ---------------------------------------------------------------------------------------------------------

function isRoot(task) {
  return task.package === '//' || task.directory === '' || task.directory === '.';
}

/** The parsed Vitest JSON reports a test task wrote (or turbo restored from its cache). */
function reportsFor(task) {
  const dir = path.join(ROOT, isRoot(task) ? '' : task.directory, '.reports');
  if (!existsSync(dir)) return [];
  let files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  if (isRoot(task) && rootTestTasks.length > 1) {
    // Several root test tasks share .reports/: `test-storybook` writes storybook.json, `test-x` writes x.json.
    const name = task.task.replace(/^test[-:]?/, '') || 'test';
    files = files.filter((file) => file === `${name}.json`);
  }
  return files.map((file) => readJson(path.join(dir, file))).filter(Boolean);
}

function listWorkspaceDirs() {
  // The globs in pnpm-workspace.yaml are all "<dir>/*".
  const yaml = readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const parents = [...yaml.matchAll(/^\s*-\s*["']?([\w.-]+)\/\*["']?\s*$/gm)].map((match) => match[1]);
  return parents.flatMap((parent) => {
    const dir = path.join(ROOT, parent);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(parent, entry.name));
  });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function statTime(file) {
  return readJson(file)?.execution?.startTime ?? 0;
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: taskEnv,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    const stop = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // gone
      }
    };
    const timer = setTimeout(() => {
      console.error(`test-all: turbo still running after ${TIMEOUT_MS / 60_000} min; stopping it.`);
      stop('SIGTERM');
      setTimeout(() => stop('SIGKILL'), 10_000).unref();
    }, TIMEOUT_MS);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.on(signal, () => {
        stop(signal);
        setTimeout(() => stop('SIGKILL'), 5_000).unref();
      });
    }
    child.on('error', (error) => {
      console.error(`test-all: could not run turbo: ${error.message}`);
      clearTimeout(timer);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
