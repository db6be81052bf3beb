import { describe, expect, it } from 'vitest';
import {
  APT_INSTALL_TIMEOUT_MS,
  APT_UPDATE_TIMEOUT_MS,
  MAC_CHROMIUM,
  planSystemDeps,
  systemOf,
} from './system-deps.mjs';

/** A Debian container as root with nothing installed; each test changes what it is about. */
function facts(overrides = {}) {
  return { isRoot: true, platform: 'linux', managers: ['apt-get'], chromium: null, redisServer: null, ...overrides };
}

describe('planSystemDeps', () => {
  it('does nothing when Chromium and redis-server are both there', () => {
    expect(planSystemDeps(facts({ chromium: '/usr/bin/chromium', redisServer: '/usr/bin/redis-server' }))).toEqual({
      action: 'none',
    });
  });

  it('installs with apt-get as root: update, then install without recommends, non-interactive, bounded in time', () => {
    const plan = planSystemDeps(facts());
    expect(plan.action).toBe('install');
    expect(plan.packages).toEqual(['chromium', 'redis-server']);
    expect(plan.env).toEqual({ DEBIAN_FRONTEND: 'noninteractive' });
    expect(plan.steps.map((step) => [step.command, step.args[0], step.timeoutMs])).toEqual([
      ['apt-get', 'update', APT_UPDATE_TIMEOUT_MS],
      ['apt-get', 'install', APT_INSTALL_TIMEOUT_MS],
    ]);
    const install = plan.steps[1].args;
    expect(install).toEqual(expect.arrayContaining(['-y', '--no-install-recommends']));
    expect(install.slice(-2)).toEqual(['chromium', 'redis-server']);
    // What and why, before anything runs; the manual command for when apt-get fails.
    expect(plan.announce).toContain('Chromium (the Storybook and cross-tab tests run in it)');
    expect(plan.announce).toContain('redis-server (the server tests start their own on 127.0.0.1)');
    expect(plan.help).toContain('apt-get update && apt-get install -y chromium redis-server');
    expect(plan.help).not.toContain('sudo');
    expect(plan.help).toContain('CHROMIUM_PATH');
  });

  it('installs only what is missing', () => {
    const plan = planSystemDeps(facts({ chromium: '/usr/bin/chromium' }));
    expect(plan.packages).toEqual(['redis-server']);
    expect(plan.steps[1].args.at(-1)).toBe('redis-server');
    expect(plan.help).not.toContain('CHROMIUM_PATH');
  });

  it('without root on apt: stops with the exact sudo command, installs nothing', () => {
    const plan = planSystemDeps(facts({ isRoot: false }));
    expect(plan).toMatchObject({ action: 'stop', system: 'apt', missing: ['chromium', 'redis-server'] });
    expect(plan.message).toContain('sudo apt-get update && sudo apt-get install -y chromium redis-server');
    expect(plan.message).toContain('CHROMIUM_PATH');
  });

  it('dnf: the dnf command (sudo only when not root), even as root', () => {
    const user = planSystemDeps(facts({ isRoot: false, managers: ['dnf'] }));
    expect(user).toMatchObject({ action: 'stop', system: 'dnf' });
    expect(user.message).toContain('sudo dnf install -y chromium redis');
    const root = planSystemDeps(facts({ managers: ['dnf'], chromium: '/usr/bin/chromium-browser' }));
    expect(root).toMatchObject({ action: 'stop', system: 'dnf' });
    expect(root.message).toContain('\n  dnf install -y redis\n');
    expect(root.message).not.toContain('sudo');
    expect(root.message).not.toContain('CHROMIUM_PATH');
  });

  it('macOS: the brew commands and the CHROMIUM_PATH hint, never sudo', () => {
    const plan = planSystemDeps(facts({ isRoot: false, platform: 'darwin', managers: ['brew'] }));
    expect(plan).toMatchObject({ action: 'stop', system: 'brew' });
    expect(plan.message).toContain('brew install redis');
    expect(plan.message).toContain('brew install --cask chromium');
    expect(plan.message).toContain(
      'export CHROMIUM_PATH="/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"',
    );
    expect(plan.message).toContain(MAC_CHROMIUM);
    expect(plan.message).not.toContain('sudo');
    expect(plan.message).not.toContain('https://brew.sh');
    expect(planSystemDeps(facts({ platform: 'darwin', managers: [] })).message).toContain('https://brew.sh');
  });

  it('an unknown system: what to install and CHROMIUM_PATH, no command it cannot know', () => {
    const plan = planSystemDeps(facts({ managers: [] }));
    expect(plan).toMatchObject({ action: 'stop', system: 'unknown' });
    expect(plan.message).toContain('no apt-get, dnf or Homebrew on PATH');
    expect(plan.message).toContain('export CHROMIUM_PATH=');
  });

  it('a CHROMIUM_PATH that points nowhere stops even as root: installing would not fix the setting', () => {
    const plan = planSystemDeps(facts({ chromiumPathEnv: '/opt/nothing/chrome' }));
    expect(plan).toMatchObject({ action: 'stop', system: 'chromium-path' });
    expect(plan.message).toContain('CHROMIUM_PATH is set to "/opt/nothing/chrome"');
    expect(plan.message).toContain('apt-get update && apt-get install -y redis-server');
  });
});

describe('systemOf', () => {
  it('prefers apt-get over dnf on Linux, and Homebrew on macOS whatever else is on PATH', () => {
    expect(systemOf(facts({ managers: ['dnf', 'apt-get'] }))).toBe('apt');
    expect(systemOf(facts({ managers: ['dnf', 'brew'] }))).toBe('dnf');
    expect(systemOf(facts({ platform: 'darwin', managers: ['apt-get', 'brew'] }))).toBe('brew');
    expect(systemOf(facts({ platform: 'win32', managers: [] }))).toBe('unknown');
  });
});
