// The extension's own activation cost, in two parts: evaluating the activation bundle's modules
// (extension.ts imports this module first, so the clock starts before any other module of the
// bundle runs, and reads it again at the end of its own module code) and running activate().
// What VS Code does between the two (creating the ExtensionContext, reading its storage over RPC)
// is not the extension's and is left out. The activation test prints the sum and bounds it (50 ms).
export const bundleEvaluationStart = performance.now();
