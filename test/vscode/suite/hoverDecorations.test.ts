// After profiling an open document, hovering a word shows its importance, the heatmap decorates
// its tokens, the toggle removes and restores them, an edit invalidates them and closing clears them.
import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatNumber } from '../../../src/engine/report/formatQuantity';
import { activateExtension, bundledModelPath, profileDone, waitFor, workspaceFolder } from './helpers';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

async function hoverAt(document: vscode.TextDocument, word: string): Promise<string> {
  const offset = document.getText().indexOf(word);
  assert.ok(offset >= 0, `"${word}" is in the document`);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset + 1));
  return hoverText(hovers ?? []);
}

suite('hover and importance decorations', () => {
  test('hover shows a word\'s tokens, cumulative importance, rank and pruning layer', async () => {
    const api = await activateExtension();
    const document = await vscode.workspace.openTextDocument(path.join(workspaceFolder(), 'story.txt'));
    await vscode.window.showTextDocument(document);
    assert.equal((await hoverAt(document, 'Lily')).includes('SpAtten'), false, 'no SpAtten hover before a profile');
    const session = await profileDone({ modelPath: bundledModelPath(), documentUri: document.uri.toString() });
    assert.ok(session.anchor, 'the run is anchored in the document');
    const text = await hoverAt(document, 'Lily');
    assert.match(text, /SpAtten token importance/);
    assert.match(text, /\*\*Importance:\*\*.*\(Σ attention prob\)/);
    assert.match(text, /kept to the end|kept \(protected\)|layer \d+ of \d+/);
    assert.match(text, /#\d+ of \d+/, 'a rank "#r of n"');
    assert.match(text, /command:spatten\.showTokenInReport\?/);
    // The importance figure is the report's value for that token.
    const report = session.result.report;
    const offset = document.getText().indexOf('Lily');
    const index = report.input.tokens.findIndex((t) => t.start >= 0 && t.start <= offset + 1 && offset + 1 < t.end);
    assert.ok(index >= 0);
    const pruned = report.tokens.prunedAtLayer[index]!;
    const layer = pruned >= 0 ? pruned : report.tokens.cumulativeImportance.length - 1;
    assert.ok(text.includes(formatNumber(report.tokens.cumulativeImportance[layer]![index]!)), 'hover shows the token\'s importance to 3 significant figures');
    await vscode.commands.executeCommand('spatten.showTokenInReport', index);
    assert.ok(api.reportPanelOpen());
  });

  test('decorations appear after a profile, toggle off and on, and go on edit and on close', async () => {
    const api = await activateExtension();
    const document = await vscode.workspace.openTextDocument({ content: 'One day, a little girl named Lily found a needle in her room.', language: 'plaintext' });
    await vscode.window.showTextDocument(document);
    await profileDone({ modelPath: bundledModelPath(), documentUri: document.uri.toString() });
    await waitFor('decorations', () => api.decoratedRanges(document.uri) > 0);
    const decorated = api.decoratedRanges(document.uri);
    assert.equal(await vscode.commands.executeCommand('spatten.toggleDecorations'), false);
    assert.equal(api.decoratedRanges(document.uri), 0);
    assert.equal(await vscode.commands.executeCommand('spatten.toggleDecorations'), true);
    assert.equal(api.decoratedRanges(document.uri), decorated);
    // An edit makes the offsets stale: decorations and hovers go.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), 'X ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('decorations cleared after an edit', () => api.decoratedRanges(document.uri) === 0);
    assert.equal((await hoverAt(document, 'Lily')).includes('SpAtten'), false);
    // Profile again, then close the editor.
    await profileDone({ modelPath: bundledModelPath(), documentUri: document.uri.toString() });
    await vscode.window.showTextDocument(document);
    await waitFor('decorations after the second profile', () => api.decoratedRanges(document.uri) > 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('decorations cleared on close', () => api.decoratedRanges(document.uri) === 0);
    const reopened = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'unrelated', language: 'plaintext' }));
    assert.equal(api.decoratedRanges(reopened.document.uri), 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
