// Loads out/engineModules.js (see engineModules.ts) on first use. A plain require of a path
// esbuild cannot follow, so the engine stays out of the activation bundle (an `import()` would be
// inlined into it).
import * as path from 'node:path';

type EngineModules = typeof import('./engineModules');

let loaded: EngineModules | undefined;

export function loadEngineModules(): EngineModules {
  // The bundles sit side by side in out/; __dirname is out/ in the built extension.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, on purpose (see above)
  loaded ??= require(path.join(__dirname, 'engineModules.js')) as EngineModules;
  return loaded;
}
