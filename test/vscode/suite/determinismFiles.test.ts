// Determinism across front ends, as the user sees it (issue 13, item 5): the JSON file the
// extension exports ("SpAtten: Export Report", JSON) and the JSON file the CLI writes
// (`profile --json FILE`) for the same model, input, policy and hardware are byte-identical outside
// the run-dependent sections (generatedAt, timings, measuredBaselines). The files are compared as
// written, not re-serialized: each is cut into its top-level entries (the writer indents by one
// space, so an entry starts at a line ` "key":`) and only the run-dependent entries are left out.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import { RUN_DEPENDENT_KEYS } from '../../unit/report/reproducibleReport';
import { bundledModelPath, extensionPath, profileDone, scratchDir } from './helpers';

/** The file's top-level entries (key and text, a trailing comma dropped), run-dependent ones left out. */
function reproducibleEntries(text: string): { key: string; text: string }[] {
  const lines = text.split('\n');
  assert.equal(lines[0], '{', 'the report file is one JSON object');
  const entries: { key: string; lines: string[] }[] = [];
  for (const line of lines.slice(1)) {
    const top = /^ "([^"]+)":/.exec(line);
    if (top) entries.push({ key: top[1], lines: [line] });
    else if (line === '}' || line === '') continue;
    else {
      // Inside an entry: deeper lines, or the entry's own closing bracket at one space.
      assert.ok(entries.length > 0 && (line.startsWith('  ') || /^ [\]}],?$/.test(line)), `an unexpected line in the report file: ${line.slice(0, 80)}`);
      entries[entries.length - 1].lines.push(line);
    }
  }
  return entries
    .filter((e) => !(RUN_DEPENDENT_KEYS as readonly string[]).includes(e.key))
    .map((e) => ({ key: e.key, text: e.lines.join('\n').replace(/,$/, '') }));
}

suite('determinism across the extension and the CLI (files)', () => {
  const written: string[] = [];
  suiteTeardown(() => { for (const f of written) rmSync(f, { force: true }); });

  test('the exported JSON and the CLI --json file are byte-identical outside the run-dependent sections', async () => {
    const text = 'Once upon a time there was a little girl who liked honey.';
    await profileDone({ modelPath: bundledModelPath(), text, policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 4, maxTokens: 64 });
    const dir = scratchDir();
    const fromExtension = path.join(dir, 'determinism-extension.json');
    const fromCli = path.join(dir, 'determinism-cli.json');
    written.push(fromExtension, fromCli);
    for (const f of written) rmSync(f, { force: true });
    const exported = await vscode.commands.executeCommand<string | undefined>('spatten.exportReport', { format: 'json', filePath: fromExtension });
    assert.equal(exported, fromExtension);
    // Asynchronously: a synchronous spawn would block the extension host for the CLI's whole run.
    await promisify(execFile)(process.execPath, [extensionPath('out', 'cli.js'), 'profile', bundledModelPath(), '--text', text, '--policy', 'paper-gpt2-small', '--hardware', 'spatten-1x', '--generate', '4', '--max-tokens', '64', '--json', fromCli], {
      // The host may be Electron (desktop VS Code): run it as plain node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const a = reproducibleEntries(readFileSync(fromExtension, 'utf8'));
    const b = reproducibleEntries(readFileSync(fromCli, 'utf8'));
    assert.deepEqual(a.map((e) => e.key), b.map((e) => e.key), 'the same top-level sections in the same order');
    assert.ok(a.length >= 5 && a.some((e) => e.key === 'layers'), `the comparison covers the report (${a.map((e) => e.key).join(', ')})`);
    for (let i = 0; i < a.length; i++) assert.ok(a[i].text === b[i].text, `section "${a[i].key}" differs between the extension's export and the CLI's file`);
    // The run-dependent sections exist and were what was left out.
    const all = JSON.parse(readFileSync(fromCli, 'utf8')) as Record<string, unknown>;
    for (const key of ['generatedAt', 'timings']) assert.ok(key in all, `the report has ${key}`);
  });
});
