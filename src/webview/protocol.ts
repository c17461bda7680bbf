// The only contract between the extension host and the report webview. Both directions are one
// discriminated union on `type`; nothing else crosses (postMessage / onDidReceiveMessage).
//
// Host -> webview
//   report      render this ProfileReport (replaces any previous one; the webview stores it in its
//               state so a WebviewPanelSerializer can restore the panel without re-profiling)
//   focusToken  switch to the token view and select input token `index` (e.g. from a hover or an
//               editor decoration); out-of-range indices are ignored
//   progress    a profile run is in flight: `stage` names what runs, `fraction` in [0, 1] when known
//   error       the last run failed; `message` is shown as a banner (plain text)
// Webview -> host
//   ready        the webview has loaded and listens; the host answers with `report` (or nothing,
//                when the state restored a report)
//   export       the user asked to export the shown report in `format`
//   revealToken  the user activated input token `index` in the token view (reveal it in the editor)
//   profileAgain the user asked to re-run the profile with the same settings

import type { ProfileReport } from '../engine/report/profileReport';

export type ExportFormat = 'html' | 'json' | 'csv' | 'workload-csv' | 'perfetto';

export type HostToWebviewMessage =
  | { type: 'report'; report: ProfileReport }
  | { type: 'focusToken'; index: number }
  | { type: 'progress'; stage: string; fraction?: number }
  | { type: 'error'; message: string };

export type WebviewToHostMessage =
  | { type: 'ready' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'revealToken'; index: number }
  | { type: 'profileAgain' };

/** Ids of the views (tabs), also used as `data-view` on panels and in the saved state. */
export type ViewId = 'summary' | 'tokens' | 'heads' | 'refetch' | 'latency' | 'timeline' | 'accuracy' | 'sweep';

/** The sweep view is shown only for a report that carries a keep-fraction sweep. */
export const VIEW_IDS: readonly ViewId[] = ['summary', 'tokens', 'heads', 'refetch', 'latency', 'timeline', 'accuracy', 'sweep'];

/** What the webview persists with vscode.setState (and what a WebviewPanelSerializer receives). */
export interface WebviewState {
  report?: ProfileReport;
  view: ViewId;
  /** Selected input token and layer in the token view. */
  token?: number;
  layer?: number;
}

export const EXPORT_FORMATS: readonly ExportFormat[] = ['html', 'json', 'csv', 'workload-csv', 'perfetto'];

const isIndex = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** Runtime check of a message received by the webview (messages are data, not trusted code). */
export function isHostToWebviewMessage(m: unknown): m is HostToWebviewMessage {
  if (!isObj(m)) return false;
  switch (m.type) {
    case 'report':
      return isObj(m.report) && typeof m.report.version === 'number';
    case 'focusToken':
      return isIndex(m.index);
    case 'progress':
      return typeof m.stage === 'string' && (m.fraction === undefined || (typeof m.fraction === 'number' && m.fraction >= 0 && m.fraction <= 1));
    case 'error':
      return typeof m.message === 'string';
    default:
      return false;
  }
}

/** Runtime check of a message received by the host. */
export function isWebviewToHostMessage(m: unknown): m is WebviewToHostMessage {
  if (!isObj(m)) return false;
  switch (m.type) {
    case 'ready':
    case 'profileAgain':
      return true;
    case 'export':
      return typeof m.format === 'string' && (EXPORT_FORMATS as readonly string[]).includes(m.format);
    case 'revealToken':
      return isIndex(m.index);
    default:
      return false;
  }
}
