// "SpAtten: Export Report": writes the latest profile as HTML (self-contained), JSON
// (the ProfileReport), CSV, the authors' workload CSV, or a Perfetto trace, through a save dialog.
// Programmatic callers pass {format, filePath} and skip the dialogs.
import path from 'node:path';
import * as vscode from 'vscode';
import { EXPORT_FORMATS, EXPORT_FORMAT_IDS, isExportFormat, type ExportFormat } from '../engine/report/exportFormats';
import type { ProfileStore } from './profileStore';
import { reportError } from './userErrors';
import { loadEngineModules } from './loadEngineModules';
import { modelLabel } from '../engine/model/modelName';

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
    EXPORT_FORMAT_IDS.map((f) => ({ label: EXPORT_FORMATS[f].label, detail: EXPORT_FORMATS[f].detail, format: f })),
    { title: 'SpAtten: Export Report', placeHolder: 'Format' },
  ))?.format;
  if (!format) return undefined;
  // Programmatic callers (other extensions, tests) may pass anything.
  if (!isExportFormat(format)) {
    void vscode.window.showErrorMessage(`SpAtten: unknown export format "${String(format)}"`);
    return undefined;
  }
  const info = EXPORT_FORMATS[format];
  let filePath = args.filePath;
  if (!filePath) {
    const base = modelLabel(session.result.report.model).replace(/\.onnx$/i, '');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: `Export ${info.label}`,
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}-spatten${info.fileSuffix}.${info.extension}`) : undefined,
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
