// Cancelling stops a run: the run ends as "cancelled", no report replaces the previous one, and
// the next profile runs normally.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, bundledModelPath, profile, profileDone } from './helpers';

suite('cancel', () => {
  test('cancel during the run ends it as cancelled', async () => {
    const api = await activateExtension();
    const before = api.latestReport();
    let cancelledAt: string | undefined;
    const listener = api.onDidProgress((p) => {
      // Cancel once the engine has started working (past loading the model).
      if (cancelledAt === undefined && p.stage !== 'load') {
        cancelledAt = p.stage;
        void vscode.commands.executeCommand('spatten.cancelProfile');
      }
    });
    try {
      const outcome = await profile({ modelPath: bundledModelPath(), text: 'Once upon a time there was a big bear who liked honey.', generateTokens: 48 });
      assert.ok(cancelledAt !== undefined, 'the run reported progress');
      assert.equal(outcome.status, 'cancelled', `cancelled at stage ${cancelledAt}`);
    } finally {
      listener.dispose();
    }
    assert.equal(api.isProfiling(), false);
    assert.equal(api.latestReport(), before, 'a cancelled run leaves no report');
    await profileDone({ modelPath: bundledModelPath(), text: 'After the cancel.' });
  });
});
