/**
 * Where a start's time goes, phase by phase: wall and CPU milliseconds, logged with "signaldesk
 * ready". The first phase, `boot`, is everything before startServer (Node itself, the CLI
 * bundle check, loading and evaluating the modules), measured from the process's own start.
 * CPU time says what a phase costs even on a machine so busy that wall time mostly says how
 * long it waited for a core (docs/perf/cold-start.md).
 */
export interface PhaseTimings {
  /** Phase name → [wall ms, cpu ms], in the order the phases ran. */
  phases: Record<string, [number, number]>;
  totalMs: number;
  cpuMs: number;
}

export interface StartupPhases {
  /** Closes the phase running since the previous mark (or since the process started). */
  mark(name: string): void;
  timings(): PhaseTimings;
}

const cpuMsNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

export function startupPhases(name = "boot", now = () => performance.now(), cpuMs = cpuMsNow): StartupPhases {
  const phases: Record<string, [number, number]> = {};
  // performance.now() counts from the process's start, as cpuUsage() does.
  let lastWall = 0;
  let lastCpu = 0;
  const mark = (phase: string) => {
    const wall = now();
    const cpu = cpuMs();
    phases[phase] = [Math.round(wall - lastWall), Math.round(cpu - lastCpu)];
    lastWall = wall;
    lastCpu = cpu;
  };
  mark(name);
  return {
    mark,
    timings: () => ({ phases: { ...phases }, totalMs: Math.round(lastWall), cpuMs: Math.round(lastCpu) }),
  };
}
