import { pathToFileURL } from "node:url";
import type { Scenario } from "./support";

/**
 * One scenario in a process of its own, started by bench/run.ts for each: a scenario that runs
 * the service in-process (poll, quotes, fills, telegram…) would otherwise share the heap, the
 * garbage and the event loop of every scenario before it, and its figures would be theirs too
 * (in one full run the signed poll measured 0.29 × bare after six others, 0.5 × on its own).
 * The figures go back to the parent over the IPC channel.
 */
const [file, mode] = process.argv.slice(2);
const done = (message: { result: Record<string, unknown> } | { error: string }) =>
  process.send?.(message, () => process.exit(0));
try {
  const mod = (await import(pathToFileURL(file!).href)) as Scenario;
  done({ result: await mod.run({ smoke: mode === "smoke" }) });
} catch (err) {
  done({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
