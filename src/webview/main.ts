// Entry of the report webview (bundled to out/webview.js as an IIFE). Runs in two places:
// - inside VS Code: acquireVsCodeApi() exists; the report arrives as a `report` message (or from
//   the saved state when a WebviewPanelSerializer restores the panel); all traffic is protocol.ts;
// - in an exported HTML file: no VS Code API; the report is embedded in
//   <script type="application/json" id="report"> and the page works offline.
// The page root is <main id="app">; views are <vscode-tab-panel data-view="<ViewId>">.

import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { ProfileReport } from '../engine/report/profileReport';
import { renderAccuracy } from './accuracyView';
import { destroyCharts, onThemeChange, rethemeCharts } from './charts';
import { h } from './dom';
import { renderHeads } from './headView';
import { renderLatency } from './latencyView';
import { EXPORT_FORMATS, EXPORT_FORMAT_IDS } from '../engine/report/exportFormats';
import { isHostToWebviewMessage, isWebviewToHostMessage, type HostToWebviewMessage, type WebviewState, type WebviewToHostMessage } from './protocol';
import { REPORT_VIEWS, isViewId, viewsOf, type ViewId } from './reportViews';
import { renderRefetch } from './refetchView';
import { renderSummary } from './summaryCards';
import { renderSweep } from './sweepView';
import { renderTimeline } from './timelineView';
import { renderTokens, type TokenView } from './tokenView';
import { modelLabel } from '../engine/model/modelName';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
let state: WebviewState = { view: 'summary' };
let tokenView: TokenView | undefined;

function saveState(): void {
  vscode?.setState(state);
}

function post(m: WebviewToHostMessage): void {
  vscode?.postMessage(m);
}

function app(): HTMLElement {
  let root = document.getElementById('app');
  if (!root) {
    root = h('main', { id: 'app' });
    document.body.append(root);
  }
  return root;
}

function header(report: ProfileReport): HTMLElement {
  const n = report.input.tokens.length;
  const prompt = report.input.promptTokens ?? n;
  const tokens = report.mode === 'generation' && prompt < n ? `${prompt} input + ${n - prompt} generated tokens` : `${prompt} input tokens`;
  const subtitle = `${report.mode === 'generation' ? 'generation' : 'encoder pass'} · ${tokens} · ${report.model.layers} layers × ${report.model.heads} heads, head dim ${report.model.headDim} · policy ${report.policy.name} · ${report.hardware.name}`;
  const actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Report actions' });
  if (vscode) {
    actions.append(h('span', { class: 'muted' }, 'Export'));
    for (const f of EXPORT_FORMAT_IDS) actions.append(h('vscode-button', { secondary: true, 'data-export': f }, EXPORT_FORMATS[f].button));
    actions.append(h('vscode-button', { 'data-action': 'profile-again' }, 'Profile again'));
    actions.addEventListener('click', (ev) => {
      const b = (ev.target as HTMLElement).closest<HTMLElement>('vscode-button');
      if (!b) return;
      const exportMessage = { type: 'export', format: b.dataset.export };
      if (isWebviewToHostMessage(exportMessage)) post(exportMessage);
      else if (b.dataset.action === 'profile-again') post({ type: 'profileAgain' });
    });
  }
  return h(
    'header',
    { class: 'report-header' },
    h('div', { class: 'title' }, h('h1', {}, 'SpAtten profile ', h('span', { class: 'file-name', title: report.model.fileName }, modelLabel(report.model))), h('div', { class: 'subtitle' }, subtitle)),
    actions,
  );
}

/** What each view renders (the registry in reportViews.ts says which views exist and when). */
const RENDERERS: { readonly [V in ViewId]: (report: ProfileReport) => HTMLElement } = {
  summary: renderSummary,
  tokens: (report) => {
    tokenView = renderTokens(
      report,
      {
        onSelect: (token, layer) => {
          state = { ...state, token, layer };
          saveState();
        },
        onActivate: (index) => post({ type: 'revealToken', index }),
      },
      { token: state.token, layer: state.layer },
    );
    return tokenView.element;
  },
  heads: renderHeads,
  refetch: renderRefetch,
  latency: renderLatency,
  timeline: (report) => renderTimeline(report.timeline!),
  accuracy: renderAccuracy,
  sweep: renderSweep,
};

function showView(view: ViewId): void {
  const tabs = document.querySelector('vscode-tabs');
  const views = state.report ? viewsOf(state.report) : [];
  const i = views.indexOf(view);
  if (!tabs || i < 0) return;
  tabs.selectedIndex = i;
  state = { ...state, view };
  saveState();
}

function render(report: ProfileReport): void {
  destroyCharts();
  const root = app();
  const views = viewsOf(report);
  if (!views.includes(state.view)) state.view = 'summary';
  const tabs = h('vscode-tabs', { 'selected-index': views.indexOf(state.view) });
  for (const v of views) tabs.append(h('vscode-tab-header', { slot: 'header', 'data-view': v }, REPORT_VIEWS[v].title));
  for (const v of views) {
    let content: HTMLElement;
    try {
      content = RENDERERS[v](report);
    } catch (e) {
      // One malformed section must not blank the whole report.
      content = h('p', { class: 'banner error' }, `This view could not be rendered: ${e instanceof Error ? e.message : String(e)}`);
    }
    tabs.append(h('vscode-tab-panel', { 'data-view': v, 'aria-label': REPORT_VIEWS[v].title }, content));
  }
  tabs.addEventListener('vsc-tabs-select', (ev) => {
    state = { ...state, view: views[ev.detail.selectedIndex] ?? 'summary' };
    saveState();
    // Standalone page: keep the view in the URL so a link or reload reopens it.
    if (!vscode) history.replaceState(null, '', `#${state.view}`);
  });
  root.replaceChildren(header(report), h('div', { class: 'status' }), tabs);
  root.dataset.ready = 'true';
}

function status(): HTMLElement {
  let s = document.querySelector<HTMLElement>('.status');
  if (!s) {
    s = h('div', { class: 'status' });
    app().prepend(s);
  }
  return s;
}

function handle(m: HostToWebviewMessage): void {
  switch (m.type) {
    case 'report':
      // A sweep's report opens on its sweep (what the user ran the sweep for).
      state = { view: m.report.sweep && m.report.sweep.length > 0 ? 'sweep' : state.view, report: m.report };
      saveState();
      render(m.report);
      break;
    case 'focusToken':
      showView('tokens');
      tokenView?.focusToken(m.index, undefined, true);
      break;
    case 'progress': {
      const bar = h('vscode-progress-bar', { 'aria-label': m.stage, max: 100 });
      if (m.fraction !== undefined) bar.setAttribute('value', String(Math.round(m.fraction * 100)));
      else bar.setAttribute('indeterminate', '');
      status().replaceChildren(h('div', { class: 'progress', role: 'status' }, h('span', {}, m.stage), bar));
      break;
    }
    case 'error':
      status().replaceChildren(h('div', { class: 'banner error', role: 'alert' }, m.message));
      break;
  }
}

function start(): void {
  onThemeChange(rethemeCharts);
  if (vscode) {
    const saved = vscode.getState() as WebviewState | undefined;
    if (saved && typeof saved === 'object' && isViewId(saved.view)) state = saved;
    if (state.report) render(state.report);
    else app().replaceChildren(h('p', { class: 'placeholder muted' }, 'Waiting for a profile…'));
    window.addEventListener('message', (ev: MessageEvent) => {
      if (isHostToWebviewMessage(ev.data)) handle(ev.data);
    });
    post({ type: 'ready' });
    return;
  }
  const embedded = document.getElementById('report');
  if (!embedded?.textContent) {
    app().replaceChildren(h('p', { class: 'banner error' }, 'No report is embedded in this page.'));
    return;
  }
  try {
    state.report = JSON.parse(embedded.textContent) as ProfileReport;
  } catch (e) {
    app().replaceChildren(h('p', { class: 'banner error' }, `The embedded report is not valid JSON: ${e instanceof Error ? e.message : String(e)}`));
    return;
  }
  const hash = location.hash.slice(1);
  if (isViewId(hash)) state.view = hash;
  render(state.report);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
