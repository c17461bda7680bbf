// Writes a profile in one of the export formats (exportFormats.ts declares them). One renderer per
// format, so the CLI, the extension's "Export Report" and the webview's export buttons write the
// same bytes; only where the files go differs (a chosen file, or the CLI's folder for CSV).
//   html          self-contained report (the webview app inlined, strict CSP, no external requests)
//   json          the versioned ProfileReport (schema: media/schema/profile-report.schema.json)
//   csv           per-layer CSV, and the per-head CSV beside it (<stem>-heads.csv; per-head.csv in a folder)
//   workload-csv  the Trace in the SpAtten authors' workload CSV schema (replayable in their RTL simulator)
//   perfetto      the hardware timeline as Chrome trace / Perfetto JSON (re-simulated from the Trace
//                 with the report's hardware configuration: the simulation is deterministic)
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ProfileResult } from '../profileRequest';
import type { ProfileReport } from './profileReport';
import { resolveHardwareConfig } from '../hardware/hardwarePresets';
import { simulate } from '../hardware/simulate';
import { writeWorkloadCsv } from '../trace/workloadCsv';
import { toChromeTrace } from './chromeTrace';
import { headCsv, layerCsv } from './csvExport';
import { EXPORT_FORMATS, type ExportFormat } from './exportFormats';
import { exportHtml, loadWebviewAssets } from './htmlExport';
import { checkOutputFile, makeOutputFolder } from '../files/outputPath';
import { modelLabel } from '../model/modelName';

/** One file of an export. */
export interface ExportFile {
  /** '' = the chosen file; otherwise written beside it as <stem><suffix>.<extension>. */
  suffix: string;
  /** Its name when the export is written into a folder. */
  folderName: string;
  content: string;
}

/** The folder holding the built webview.js: beside the running bundle, or out/ when run from source (tests, tsx). */
function bundleDir(): string {
  const candidates = [__dirname, path.resolve(__dirname, '..', '..', '..', 'out')];
  return candidates.find((d) => existsSync(path.join(d, 'webview.js'))) ?? candidates[0];
}

/** The self-contained HTML of a report (all it needs is the report and the built webview assets). */
export function reportHtml(report: ProfileReport): string {
  const assets = loadWebviewAssets(bundleDir());
  return exportHtml(report, assets.webviewJs, assets.css);
}

function single(format: ExportFormat, content: string): ExportFile[] {
  const info = EXPORT_FORMATS[format];
  return [{ suffix: '', folderName: `report${info.fileSuffix}.${info.extension}`, content }];
}

const RENDERERS: { readonly [F in ExportFormat]: (result: ProfileResult) => ExportFile[] } = {
  html: ({ report }) => single('html', reportHtml(report)),
  json: ({ report }) => single('json', JSON.stringify(report, null, 1) + '\n'),
  csv: ({ report }) => [
    { suffix: '', folderName: 'per-layer.csv', content: layerCsv(report) },
    { suffix: '-heads', folderName: 'per-head.csv', content: headCsv(report) },
  ],
  'workload-csv': ({ trace }) => single('workload-csv', writeWorkloadCsv(trace)),
  perfetto: ({ report, trace }) => {
    const hw = resolveHardwareConfig(report.hardware.settings);
    const sim = simulate(trace, hw, { timing: 'pipelined', denseBits: 32, timeline: true });
    return single('perfetto', JSON.stringify(toChromeTrace(sim.timeline!, `SpAtten ${hw.name}: ${modelLabel(report.model)}`)));
  },
};

export function renderExport(result: ProfileResult, format: ExportFormat): ExportFile[] {
  return RENDERERS[format](result);
}

/** Where a file of an export goes when the user chose `filePath` (e.g. report.csv -> report-heads.csv). */
export function exportFilePath(filePath: string, format: ExportFormat, file: Pick<ExportFile, 'suffix'>): string {
  if (file.suffix === '') return filePath;
  const ext = `.${EXPORT_FORMATS[format].extension}`;
  const stem = filePath.toLowerCase().endsWith(ext) ? filePath.slice(0, -ext.length) : filePath;
  return `${stem}${file.suffix}${ext}`;
}

/** Writes the export at `filePath` (and its other files beside it); returns the paths written. */
export async function writeExport(result: ProfileResult, format: ExportFormat, filePath: string): Promise<string[]> {
  // The folder must exist already (no tree of folders created from a typo); see outputPath.ts.
  checkOutputFile(filePath);
  const written: string[] = [];
  for (const file of renderExport(result, format)) {
    const target = exportFilePath(filePath, format, file);
    await writeFile(target, file.content);
    written.push(target);
  }
  return written;
}

/** Writes the export's files into folder `dir` (created if missing, not its parents); returns the paths written. */
export async function writeExportToFolder(result: ProfileResult, format: ExportFormat, dir: string): Promise<string[]> {
  makeOutputFolder(dir);
  const written: string[] = [];
  for (const file of renderExport(result, format)) {
    const target = path.join(dir, file.folderName);
    await writeFile(target, file.content);
    written.push(target);
  }
  return written;
}
