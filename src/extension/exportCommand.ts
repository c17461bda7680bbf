// "SpAtten: Export Report": writes the latest profile as HTML (self-contained), JSON
// (the ProfileReport), CSV, the authors' workload CSV, or a Perfetto trace, through a save dialog.
// Programmatic callers pass {format, filePath} and skip the dialogs.
import path from 'node:path';
import * as vscode from 'vscode';
import type { ExportFormat } from '../engine/profileRequest';
import type { ProfileStore } from './profileStore';
import { reportError } from './userErrors';
import { loadEngineModules } from './loadEngineModules';
import { modelLabel } from '../engine/model/modelName';

interface FormatInfo {
  label: string;
  detail: string;
  extension: string;
  filter: string;
}

export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, FormatInfo>> = {
  html: { label: 'HTML report', detail: 'Self-contained page with every view (no network access needed)', extension: 'html', filter: 'HTML' },
  json: { label: 'JSON', detail: 'The ProfileReport (version 1)', extension: 'json', filter: 'JSON' },
  csv: { label: 'CSV', detail: 'Per-layer table: tokens, heads, cycles, DRAM bytes, energy', extension: 'csv', filter: 'CSV' },
  'workload-csv': { label: 'Workload CSV', detail: "The SpAtten authors' workload schema (replayable in their RTL simulation)", extension: 'csv', filter: 'CSV' },
  perfetto: { label: 'Perfetto trace', detail: 'Chrome/Perfetto JSON trace of the modelled hardware timeline', extension: 'json', filter: 'JSON' },
};

export interface ExportArgs {
  format?: ExportFormat;
  filePath?: string;
}

export async function exportReport(store: ProfileStore, log: vscode.LogOutputChannel, args: ExportArgs = {}): Promise<string | undefined> {
  const session = store.latest;
  if (!session) {
    void vscode.window.showInformationMessage('SpAtten: profile a model first; there is no report to export in this window.');
    return undefined;
  }
  const format = args.format ?? (await vscode.window.showQuickPick(
    (Object.keys(EXPORT_FORMAT_INFO) as ExportFormat[]).map((f) => ({ label: EXPORT_FORMAT_INFO[f].label, detail: EXPORT_FORMAT_INFO[f].detail, format: f })),
    { title: 'SpAtten: Export Report', placeHolder: 'Format' },
  ))?.format;
  if (!format) return undefined;
  const info = EXPORT_FORMAT_INFO[format];
  if (!info) {
    void vscode.window.showErrorMessage(`SpAtten: unknown export format "${String(format)}"`);
    return undefined;
  }
  let filePath = args.filePath;
  if (!filePath) {
    const base = modelLabel(session.result.report.model).replace(/\.onnx$/i, '');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const suffix = format === 'workload-csv' ? '-workload' : format === 'perfetto' ? '-perfetto' : '';
    const target = await vscode.window.showSaveDialog({
      title: `Export ${info.label}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}-spatten${suffix}.${info.extension}`) : undefined,
      filters: { [info.filter]: [info.extension] },
    });
    filePath = target?.fsPath;
  }
  if (!filePath) return undefined;
  try {
    const { writeExport } = loadEngineModules();
    await writeExport(session.result, format, filePath);
    log.info(`exported ${format} to ${filePath}`);
    if (!args.filePath) {
      void vscode.window.showInformationMessage(`SpAtten: exported ${path.basename(filePath)}`, 'Open').then((c) => {
        if (c) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(filePath!));
      });
    }
    return filePath;
  } catch (error) {
    await reportError(log, `Export ${format}`, error);
    return undefined;
  }
}
