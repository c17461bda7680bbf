// Export Report writes every format from the latest profile: the files exist, the JSON is the
// version-2 ProfileReport, the HTML is self-contained (no http(s) URL in any src or href), the
// CSVs have a header and one line per row, the Perfetto trace is JSON with events.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { bundledModelPath, profileDone, scratchDir } from './helpers';

suite('export report', () => {
  const written: string[] = [];
  suiteTeardown(() => { for (const f of written) rmSync(f, { force: true }); });

  test('writes html, json, csv, workload-csv and perfetto', async () => {
    const session = await profileDone({ modelPath: bundledModelPath(), text: 'Tom had a red kite. The wind took the kite up into the sky.' });
    const report = session.result.report;
    const target = (name: string) => {
      const file = path.join(scratchDir(), name);
      rmSync(file, { force: true });
      written.push(file);
      return file;
    };
    const exportTo = async (format: string, file: string) => {
      const result = await vscode.commands.executeCommand<string | undefined>('spatten.exportReport', { format, filePath: file });
      assert.equal(result, file, `${format} export returned its path`);
      assert.ok(existsSync(file), `${format} file exists`);
      return readFileSync(file, 'utf8');
    };

    const json = JSON.parse(await exportTo('json', target('report.json')));
    assert.equal(json.version, 2);
    assert.equal(json.model.layers, report.model.layers);
    assert.equal(json.input.tokens.length, report.input.tokens.length);

    const html = await exportTo('html', target('report.html'));
    assert.match(html, /^<!DOCTYPE html>/i);
    const remote = html.match(/\b(?:src|href)\s*=\s*["']?\s*https?:/gi);
    assert.equal(remote, null, `no remote src/href in the HTML (found ${remote?.join(', ')})`);

    target('report-heads.csv');
    const csv = (await exportTo('csv', target('report.csv'))).trim().split(/\r?\n/);
    assert.ok(csv.length >= 2 && csv[0]!.includes(','), 'CSV has a header and rows');

    const workload = (await exportTo('workload-csv', target('workload.csv'))).trim().split(/\r?\n/);
    assert.ok(workload[0]!.startsWith('iteration_id'), "the authors' workload schema header");
    assert.equal(workload.length - 1, session.result.trace.rows.length, 'one line per trace row');

    const perfetto = JSON.parse(await exportTo('perfetto', target('trace.perfetto.json')));
    const events = Array.isArray(perfetto) ? perfetto : perfetto.traceEvents;
    assert.ok(Array.isArray(events) && events.length > 0, 'Perfetto trace has events');
  });
});
