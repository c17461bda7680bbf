// Writes a profile in one of the export formats. One function so the CLI, the extension's
// "Export Report" and the webview's export buttons produce byte-identical files.
//   html          self-contained report (the webview app inlined, strict CSP, no external requests)
//   json          the versioned ProfileReport (schema: media/schema/profile-report.schema.json)
//   csv           per-layer CSV at the path, per-head CSV beside it (<stem>-heads.csv)
//   workload-csv  the Trace in the SpAtten authors' workload CSV schema (replayable in their RTL simulator)
//   perfetto      the hardware timeline as Chrome trace / Perfetto JSON (re-simulated from the Trace
//                 with the report's hardware configuration: the simulation is deterministic)
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ExportFormat, ProfileResult } from '../profileRequest';
import type { ProfileReport } from './profileReport';
import { resolveHardwareConfig } from '../hardware/hardwarePresets';
import { simulate } from '../hardware/simulate';
import { writeWorkloadCsv } from '../trace/workloadCsv';
import { toChromeTrace } from './chromeTrace';
import { headCsv, layerCsv } from './csvExport';
import { exportHtml, loadWebviewAssets } from './htmlExport';
import { checkOutputFile } from '../files/outputPath';
import { modelLabel } from '../model/modelName';

/** The folder holding the built webview.js: beside the running bundle, or out/ when run from source (tests, tsx). */
export function bundleDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '..', '..', '..', 'out')];
  return candidates.find((d) => existsSync(path.join(d, 'webview.js'))) ?? candidates[0];
}

export function perHeadCsvPath(filePath: string): string {
  return filePath.replace(/(\.csv)?$/i, '-heads.csv');
}

/** The self-contained HTML of a report (all it needs is the report and the built webview assets). */
export function reportHtml(report: ProfileReport): string {
  const assets = loadWebviewAssets(bundleDir());
  return exportHtml(report, assets.webviewJs, assets.css);
}

export async function renderExport(result: ProfileResult, format: Exclude<ExportFormat, 'csv'>): Promise<string> {
  const { report, trace } = result;
  switch (format) {
    case 'html':
      return reportHtml(report);
    case 'json':
      return JSON.stringify(report, null, 1) + '\n';
    case 'workload-csv':
      return writeWorkloadCsv(trace);
    case 'perfetto': {
      const hw = resolveHardwareConfig(report.hardware.settings);
      const sim = simulate(trace, hw, { timing: 'pipelined', denseBits: 32, timeline: true });
      return JSON.stringify(toChromeTrace(sim.timeline!, `SpAtten ${hw.name}: ${modelLabel(report.model)}`));
    }
  }
}

export async function writeExport(result: ProfileResult, format: ExportFormat, filePath: string): Promise<void> {
  // The folder must exist already (no tree of folders created from a typo); see outputPath.ts.
  checkOutputFile(filePath);
  if (format === 'csv') {
    await writeFile(filePath, layerCsv(result.report));
    await writeFile(perHeadCsvPath(filePath), headCsv(result.report));
    return;
  }
  await writeFile(filePath, await renderExport(result, format));
}
