/**
 * Decides how the test command gets the two system packages it needs besides Node: Chromium (the story and
 * cross-tab tests run in it) and redis-server (the server tests start their own). Pure: setup.mjs gathers the
 * facts and runs the plan, so every branch is testable without a package manager (scripts/lib/system-deps.test.mjs
 * for the decisions, scripts/setup.test.mjs for the script around them).
 *
 * The only branch that installs is root + apt-get (containers, fresh VMs, CI): nobody has to be asked for a
 * password there, and apt is the system's own installer. Everywhere else (not root, dnf, Homebrew, anything
 * unknown) installing would mean asking, so the plan is a message with the exact command for that system.
 */

/** What each package is for, and its name in each package manager. */
const DEPS = {
  chromium: {
    label: 'Chromium',
    why: 'the Storybook and cross-tab tests run in it',
    packages: { apt: 'chromium', dnf: 'chromium', brew: 'chromium' },
  },
  'redis-server': {
    label: 'redis-server',
    why: 'the server tests start their own on 127.0.0.1',
    // Fedora names the package after the project; `redis` there also resolves to valkey's compatible one.
    packages: { apt: 'redis-server', dnf: 'redis', brew: 'redis' },
  },
};

/** Looked up on PATH in this order when CHROMIUM_PATH is not set (Debian, Fedora/Ubuntu, then Google Chrome). */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** Where `brew install --cask chromium` puts it; not on PATH, so it is checked by path on macOS. */
export const MAC_CHROMIUM = '/Applications/Chromium.app/Contents/MacOS/Chromium';
const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';

/** The package managers whose presence on PATH picks the branch. */
export const MANAGERS = ['apt-get', 'dnf', 'brew'];

// A fresh VM may still be running unattended-upgrades when the tests start: wait for dpkg's lock for a while
// instead of failing at once, but within the install's own time limit.
export const APT_UPDATE_TIMEOUT_MS = 10 * 60_000;
export const APT_INSTALL_TIMEOUT_MS = 20 * 60_000;
const APT_LOCK_WAIT_S = 120;

/**
 * @typedef {object} Facts
 * @property {boolean} isRoot
 * @property {string} platform           process.platform
 * @property {string[]} managers         which of MANAGERS are on PATH
 * @property {string} [chromiumPathEnv]  CHROMIUM_PATH, when set
 * @property {string | null} chromium    the Chromium that will be used (CHROMIUM_PATH or found), or null
 * @property {string | null} redisServer redis-server on PATH, or null
 *
 * @typedef {{ command: string, args: string[], timeoutMs: number }} Step
 * @typedef {{ action: 'none' }
 *   | { action: 'install', system: 'apt', missing: string[], packages: string[], env: Record<string, string>,
 *       steps: Step[], announce: string, help: string }
 *   | { action: 'stop', system: string, missing: string[], message: string }} Plan
 */

/** @param {Facts} facts @returns {Plan} */
export function planSystemDeps(facts) {
  const missing = Object.keys(DEPS).filter((name) => (name === 'chromium' ? !facts.chromium : !facts.redisServer));
  if (missing.length === 0) return { action: 'none' };
  const system = systemOf(facts);

  // A CHROMIUM_PATH that points nowhere is the user's own setting: installing Chromium would not fix it.
  if (facts.chromiumPathEnv && missing.includes('chromium')) {
    const lines = [
      `CHROMIUM_PATH is set to "${facts.chromiumPathEnv}", which is not an executable file (${DEPS.chromium.why}).`,
      `Point it at a Chromium or Chrome binary, or unset it to use ${CHROMIUM_NAMES[0]} from PATH.`,
    ];
    if (missing.includes('redis-server')) {
      lines.push(
        `redis-server is missing too (${DEPS['redis-server'].why}):`,
        ...manualCommands(system, ['redis-server'], facts.isRoot).map(indent),
      );
    }
    return { action: 'stop', system: 'chromium-path', missing, message: lines.join('\n') };
  }

  if (system === 'apt' && facts.isRoot) {
    const packages = missing.map((name) => DEPS[name].packages.apt);
    return {
      action: 'install',
      system,
      missing,
      packages,
      env: { DEBIAN_FRONTEND: 'noninteractive' },
      steps: [
        { command: 'apt-get', args: ['update', '-q'], timeoutMs: APT_UPDATE_TIMEOUT_MS },
        {
          command: 'apt-get',
          args: [
            'install',
            '-y',
            '-q',
            '--no-install-recommends',
            '-o',
            `DPkg::Lock::Timeout=${APT_LOCK_WAIT_S}`,
            ...packages,
          ],
          timeoutMs: APT_INSTALL_TIMEOUT_MS,
        },
      ],
      announce:
        `${needs(missing)}.\n` +
        `Running as root with apt-get, so installing ${packages.join(' ')} now ` +
        `(apt-get update: at most ${APT_UPDATE_TIMEOUT_MS / 60_000} min; apt-get install: at most ${APT_INSTALL_TIMEOUT_MS / 60_000} min).`,
      // What to print if apt-get fails or times out: the same install, by hand.
      help: [
        `Install ${them(missing)} yourself, then run npm test again:`,
        ...manualCommands('apt', missing, true).map(indent),
        ...(missing.includes('chromium') ? [chromiumHint(facts.platform)] : []),
      ].join('\n'),
    };
  }

  const lines = [`${needs(missing)}.`];
  if (system === 'apt') lines.push(`Not running as root, so not installing ${them(missing)} without asking. Run:`);
  else if (system === 'dnf') lines.push(`Install ${them(missing)} with dnf (only apt-get as root installs by itself):`);
  else if (system === 'brew') {
    const brew = facts.managers.includes('brew') ? 'Homebrew' : 'Homebrew (not on PATH: https://brew.sh)';
    lines.push(`Install ${them(missing)} with ${brew}:`);
  } else
    lines.push(`Install ${them(missing)} with this system's package manager (no apt-get, dnf or Homebrew on PATH):`);
  lines.push(...manualCommands(system, missing, facts.isRoot).map(indent));
  lines.push('then run npm test again.');
  if (missing.includes('chromium')) lines.push(chromiumHint(facts.platform));
  return { action: 'stop', system, missing, message: lines.join('\n') };
}

/** Which installer's commands to give: Homebrew on macOS, else apt-get before dnf, else none known. */
export function systemOf(facts) {
  if (facts.platform === 'darwin') return 'brew';
  if (facts.managers.includes('apt-get')) return 'apt';
  if (facts.managers.includes('dnf')) return 'dnf';
  return 'unknown';
}

/**
 * The exact commands a person runs for `missing` on `system`; sudo only where it is needed (not as root, where
 * containers often have no sudo; never for brew, which refuses to run as root).
 */
function manualCommands(system, missing, isRoot) {
  const sudo = isRoot ? '' : 'sudo ';
  const names = (manager) => missing.map((name) => DEPS[name].packages[manager]).join(' ');
  if (system === 'apt') return [`${sudo}apt-get update && ${sudo}apt-get install -y ${names('apt')}`];
  if (system === 'dnf') return [`${sudo}dnf install -y ${names('dnf')}`];
  if (system === 'brew') {
    return [
      ...(missing.includes('redis-server') ? [`brew install ${DEPS['redis-server'].packages.brew}`] : []),
      ...(missing.includes('chromium') ? [`brew install --cask ${DEPS.chromium.packages.brew}`] : []),
    ];
  }
  return missing.map((name) =>
    name === 'chromium' ? 'Chromium (or Google Chrome)' : 'redis-server (the package is usually named redis)',
  );
}

/** The CHROMIUM_PATH alternative, with where Chrome lives on that platform (it is not always on PATH). */
function chromiumHint(platform) {
  const chrome = platform === 'darwin' ? MAC_CHROME : '/opt/google/chrome/chrome';
  const found = platform === 'darwin' ? `${MAC_CHROMIUM} is found by itself. ` : '';
  return `${found}Or point CHROMIUM_PATH at a Chromium or Chrome you already have:\n${indent(`export CHROMIUM_PATH="${chrome}"`)}`;
}

function needs(missing) {
  return `npm test needs ${missing.map((name) => `${DEPS[name].label} (${DEPS[name].why})`).join(' and ')}; not found: ${missing.join(', ')}`;
}

function them(missing) {
  return missing.length === 1 ? 'it' : 'them';
}

function indent(line) {
  return `  ${line}`;
}
