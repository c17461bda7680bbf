// The extension's own activation cost, in two parts: evaluating the activation bundle's modules
// (extension.ts imports this module first, so the clock starts before any other module of the
// bundle runs, and reads it again at the end of its own module code) and running activate().
// What VS Code does between the two (creating the ExtensionContext, reading its storage over RPC)
// is not the extension's and is left out. Both wall time and the process's CPU time are kept: on
// a loaded machine the wall time also counts the time the host waited for a core, the CPU time
// only the work done. The activation test prints both and bounds the CPU time (50 ms).

/** Where a span started: wall clock (ms) and the process's CPU usage. */
export interface ClockMark {
  wallMs: number;
  cpu: NodeJS.CpuUsage;
}

/** Wall and CPU milliseconds of a span. */
export interface SpanMs {
  wallMs: number;
  cpuMs: number;
}

export function mark(): ClockMark {
  return { wallMs: performance.now(), cpu: process.cpuUsage() };
}

export function since(start: ClockMark): SpanMs {
  const cpu = process.cpuUsage(start.cpu);
  return { wallMs: performance.now() - start.wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

export function addSpans(a: SpanMs, b: SpanMs): SpanMs {
  return { wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs };
}

export const bundleEvaluationStart = mark();
