// The registry of report views (the webview's tabs): the one place a view is declared. The
// protocol's ViewId and saved state, the tab strip and the browser readback tests read it; the
// renderers live in main.ts keyed by the same ids (the compiler asks for one when a view is added
// here). Plain data, so the extension host can check messages against it
// without loading the views.
import type { ProfileReport } from '../engine/report/profileReport';
import { isRegistryId, registryIds } from '../engine/registryKeys';

export interface ReportViewInfo {
  /** Tab title. */
  title: string;
  /** Whether the report has what the view shows (default: always). */
  shownFor?: (report: ProfileReport) => boolean;
}

const views = {
  summary: { title: 'Summary' },
  tokens: { title: 'Tokens' },
  heads: { title: 'Heads' },
  refetch: { title: 'Refetch' },
  latency: { title: 'Latency' },
  timeline: { title: 'Timeline', shownFor: (report) => report.timeline !== undefined && report.timeline.unit.length > 0 },
  accuracy: { title: 'Accuracy' },
  // Shown only for a report that carries a keep-fraction sweep.
  sweep: { title: 'Sweep', shownFor: (report) => (report.sweep?.length ?? 0) > 0 },
} satisfies Record<string, ReportViewInfo>;

/** Ids of the views (tabs), also used as `data-view` on panels, in the saved state and the URL hash. */
export type ViewId = keyof typeof views;

export const REPORT_VIEWS: Readonly<Record<ViewId, ReportViewInfo>> = views;

/** The views in tab order. */
export const VIEW_IDS = registryIds(REPORT_VIEWS);

export function isViewId(x: unknown): x is ViewId {
  return isRegistryId(REPORT_VIEWS, x);
}

/** The views a report has data for, in tab order. */
export function viewsOf(report: ProfileReport): ViewId[] {
  return VIEW_IDS.filter((v) => REPORT_VIEWS[v].shownFor?.(report) ?? true);
}
