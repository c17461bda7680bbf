// The extension host's responsiveness during a profile (issue 13, item 3): a setInterval drift
// probe that tells the host's event loop being busy from the host waiting for a core. Used by the
// worker tests (one profile, crashes) and the soak (30 profiles, 10 cancels).

type CpuClock = (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;

/**
 * The event loop's own CPU time: the main thread's (process.threadCpuUsage, Node >= 23.9; the
 * host runs on Node 24 here), else the whole process's, which also counts V8's GC and compiler
 * threads and the libuv pool and so overstates a block on a loaded machine.
 */
const loopCpu: CpuClock = (process as { threadCpuUsage?: CpuClock }).threadCpuUsage?.bind(process) ?? process.cpuUsage.bind(process);

/** A gap over 20 ms between the probe's ticks: when (ms after the start), how long, how busy, during what. */
export interface Gap {
  atMs: number;
  ms: number;
  cpuMs: number;
  during: string;
}

/**
 * Runs `run` under a 5 ms setInterval drift probe. A gap between ticks (minus the interval) is
 * either the event loop being busy or the host waiting for a core on a loaded machine; the CPU
 * time the event loop's thread used during the gap (see loopCpu) tells them apart, so a gap's
 * block is the smaller of the two. Returns the longest block, the longest raw gap, and every gap
 * over 20 ms labelled by `during()`.
 */
export async function eventLoopBlocks<T>(run: () => Promise<T>, during: () => string = () => ''): Promise<{ value: T; blockMs: number; gapMs: number; gaps: Gap[] }> {
  const interval = 5;
  const t0 = performance.now();
  let last = t0;
  let lastCpu = loopCpu();
  let blockMs = 0;
  let gapMs = 0;
  const gaps: Gap[] = [];
  const probe = setInterval(() => {
    const now = performance.now();
    const cpu = loopCpu(lastCpu);
    const gap = now - last - interval;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    gapMs = Math.max(gapMs, gap);
    blockMs = Math.max(blockMs, Math.min(gap, cpuMs));
    if (gap > 20) gaps.push({ atMs: Math.round(now - t0), ms: Math.round(gap), cpuMs: Math.round(cpuMs), during: during() });
    last = now;
    lastCpu = loopCpu();
  }, interval);
  try {
    const value = await run();
    return { value, blockMs, gapMs, gaps };
  } finally {
    clearInterval(probe);
  }
}
