// The registry of export formats: the one place a format is declared. Everything that offers or
// checks a format reads it: the CLI's flags and help (cli/profileCommand.ts), the extension's
// "Export Report" picker and save dialog (extension/exportCommand.ts), the webview's export buttons
// and the protocol's runtime check (webview/). It is plain data, so the webview
// bundle can carry it; the writers live in writeExport.ts, keyed by the same names (the compiler
// asks for a writer when a format is added here).
import { isRegistryId, registryIds } from '../registryKeys';

export interface ExportFormatInfo {
  /** Quick-pick label and save-dialog title. */
  label: string;
  /** Short label on the webview's export button. */
  button: string;
  /** One line on what the file holds. */
  detail: string;
  /** File extension (no dot) and the save dialog's filter name. */
  extension: string;
  filter: string;
  /** Appended to the default file name stem in the save dialog (e.g. model-spatten-workload.csv). */
  fileSuffix: string;
  /**
   * The CLI `profile` option that writes it: flags (commander syntax), help, and whether it names a
   * file or a folder to write the format's files into; `stdout`: '-' writes it to stdout.
   */
  cli: { flags: string; help: string; target: 'file' | 'folder'; stdout?: boolean };
}

const formats = {
  html: {
    label: 'HTML report',
    button: 'HTML',
    detail: 'Self-contained page with every view (no network access needed)',
    extension: 'html',
    filter: 'HTML',
    fileSuffix: '',
    cli: { flags: '--html <file>', help: 'write the self-contained HTML report', target: 'file' },
  },
  json: {
    label: 'JSON',
    button: 'JSON',
    detail: 'The versioned ProfileReport (media/schema/profile-report.schema.json)',
    extension: 'json',
    filter: 'JSON',
    fileSuffix: '',
    cli: { flags: '--json <file|->', help: 'write the ProfileReport JSON (- = stdout, and no table)', target: 'file', stdout: true },
  },
  csv: {
    label: 'CSV',
    button: 'CSV',
    detail: 'Per-layer table (tokens, heads, cycles, DRAM bytes, energy) and a per-head table beside it',
    extension: 'csv',
    filter: 'CSV',
    fileSuffix: '',
    cli: { flags: '--csv <dir>', help: 'write per-layer.csv and per-head.csv into this folder', target: 'folder' },
  },
  'workload-csv': {
    label: 'Workload CSV',
    button: 'Workload CSV',
    detail: "The Trace in the SpAtten authors' workload schema (replayable in their RTL simulation)",
    extension: 'csv',
    filter: 'CSV',
    fileSuffix: '-workload',
    cli: { flags: '--workload-csv <file>', help: "write the Trace in the SpAtten authors' workload CSV schema", target: 'file' },
  },
  perfetto: {
    label: 'Perfetto trace',
    button: 'Perfetto',
    detail: 'Chrome/Perfetto JSON trace of the modelled hardware timeline',
    extension: 'json',
    filter: 'JSON',
    fileSuffix: '-perfetto',
    cli: { flags: '--perfetto <file>', help: 'write the hardware timeline as Chrome trace / Perfetto JSON', target: 'file' },
  },
} satisfies Record<string, ExportFormatInfo>;

export type ExportFormat = keyof typeof formats;

export const EXPORT_FORMATS: Readonly<Record<ExportFormat, ExportFormatInfo>> = formats;

/** The formats in the order they are offered. */
export const EXPORT_FORMAT_IDS = registryIds(EXPORT_FORMATS);

export function isExportFormat(x: unknown): x is ExportFormat {
  return isRegistryId(EXPORT_FORMATS, x);
}
