/**
 * Child processes for the e2e test: every one has a timeout, runs in its own process group (so a timeout or
 * afterAll stops npm *and* what npm started), logs to a file, and is tracked so afterAll can stop leftovers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const live = new Set<ChildProcess>();
let counter = 0;

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Directory for the per-command log file. */
  logDir: string;
  /** Short name for the log file. */
  label: string;
}

export interface RunResult {
  /** stdout and stderr, interleaved (the last 400 kB). */
  output: string;
  stdout: string;
  durationMs: number;
  logFile: string;
}

class CommandError extends Error {}

/** Runs a command to completion. Rejects on a non-zero exit or a timeout, with the end of its output. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  mkdirSync(options.logDir, { recursive: true });
  counter += 1;
  const logFile = path.join(
    options.logDir,
    `${String(counter).padStart(2, '0')}-${options.label.replace(/[^\w.-]+/g, '_')}.log`,
  );
  const shown = `${command} ${args.join(' ')}`;
  appendFileSync(logFile, `$ ${shown}\n# cwd ${options.cwd}\n`);
  const started = performance.now();

  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    let output = '';
    let stdout = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      appendFileSync(logFile, text);
      output = (output + text).slice(-400_000);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      collect(chunk);
    });
    child.stderr?.on('data', collect);

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
    }, options.timeoutMs);

    child.on('error', (error) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new CommandError(`${shown}: could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const durationMs = performance.now() - started;
      appendFileSync(logFile, `\n# exit ${code ?? signal} after ${(durationMs / 1000).toFixed(1)} s\n`);
      if (code === 0 && !timedOut) {
        resolve({ output, stdout, durationMs, logFile });
        return;
      }
      const why = timedOut ? `timed out after ${options.timeoutMs / 1000} s` : `exited with ${code ?? signal}`;
      reject(new CommandError(`${shown} ${why} (cwd ${options.cwd}, log ${logFile})\n${tail(output, 60)}`));
    });
  });
}

/** Starts a long-running process (e.g. the registry) and resolves once a line of its output matches `ready`. */
export function startService(
  command: string,
  args: string[],
  options: RunOptions & { ready: RegExp },
): Promise<{ child: ChildProcess; stop: () => Promise<void>; logFile: string }> {
  mkdirSync(options.logDir, { recursive: true });
  const logFile = path.join(options.logDir, `${options.label}.log`);
  appendFileSync(logFile, `$ ${command} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    let output = '';
    let ready = false;
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('close', () => done());
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child, 'SIGKILL'), 5_000).unref();
      });
    const timer = setTimeout(() => {
      void stop();
      reject(
        new CommandError(
          `${options.label} did not start within ${options.timeoutMs / 1000} s (log ${logFile})\n${tail(output, 40)}`,
        ),
      );
    }, options.timeoutMs);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      appendFileSync(logFile, text);
      output = (output + text).slice(-100_000);
      if (!ready && options.ready.test(output)) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, stop, logFile });
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${options.label}: could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      live.delete(child);
      appendFileSync(logFile, `\n# exit ${code ?? signal}\n`);
      if (!ready) {
        clearTimeout(timer);
        reject(
          new CommandError(
            `${options.label} exited with ${code ?? signal} before it was ready (log ${logFile})\n${tail(output, 40)}`,
          ),
        );
      }
    });
  });
}

/** Stops every child still running (afterAll). */
export async function killAll(): Promise<void> {
  const children = [...live];
  for (const child of children) killGroup(child, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, children.length > 0 ? 1_000 : 0));
  for (const child of children) killGroup(child, 'SIGKILL');
  live.clear();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
