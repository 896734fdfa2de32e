import { fork } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { withGoals, writeReadmeTable } from "./report";
import { machineInfo, ROOT, type Scenario } from "./support";

/**
 * `npm run bench`: every scenario in bench/scenarios, one after another, each in a process of
 * its own (they would skew each other's figures if they shared the CPU or a heap), then
 * bench/results/latest.json. `--smoke` runs each
 * for about a second to prove they work, writing bench/results/smoke.tmp.json instead, so a smoke
 * run never replaces real figures. `--only a,b` runs those scenarios and keeps the other
 * scenarios' figures already in the file. Every scenario gets its SPEC goal judged (`goals`),
 * and a real run (not `--smoke`, not `--no-readme`) rewrites the README's performance table
 * from the file it wrote (bench/report.ts).
 */
const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    only: { type: "string" },
    "no-readme": { type: "boolean", default: false },
  },
  strict: true,
});
const smoke = values.smoke ?? false;
const writeReadme = !smoke && !values["no-readme"];
const only = values.only ? new Set(values.only.split(",")) : undefined;
// Keeps a full run under fifteen minutes even if one scenario hangs: no scenario may take
// longer than its own budget or than what is left of the whole run's (14 min, raised from 9.5
// when scaleout's 20,000 devices over two instances joined).
const SCENARIO_BUDGET_MS = smoke ? 90_000 : 240_000;
const RUN_BUDGET_MS = smoke ? 300_000 : 840_000;

const dir = path.join(ROOT, "bench/scenarios");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .sort();

/**
 * Runs one scenario in a process of its own (bench/run-scenario.ts), killed past its budget: each
 * starts from a fresh heap and event loop, whatever the scenarios before it left behind.
 */
function runIsolated(file: string, label: string, budgetMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(ROOT, "bench/run-scenario.ts"), [file, smoke ? "smoke" : "full"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let answered = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} took longer than ${budgetMs} ms`));
    }, budgetMs);
    child.once("message", (m: { result?: Record<string, unknown>; error?: string }) => {
      answered = true;
      clearTimeout(timer);
      if (m.result) resolve(m.result);
      else reject(new Error(m.error ?? `${label} failed`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!answered) reject(new Error(`${label} ended (${signal ?? `exit ${code}`}) without figures`));
    });
  });
}

const scenarios: Record<string, unknown> = {};
/** Wall time of each scenario module, to keep an eye on the fifteen-minute budget. */
const scenarioSeconds: Record<string, number> = {};
let failed = 0;
const started = Date.now();
// Others' work on the machine skews figures; the report says how busy it was at both ends.
const loadAvgAtStart = machineInfo().loadAvg;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as Partial<Scenario>;
  if (typeof mod.name !== "string" || typeof mod.run !== "function") {
    process.stderr.write(`bench: ${file} does not export name and run(); skipped\n`);
    continue;
  }
  if (only && !only.has(mod.name)) continue;
  const budgetMs = Math.min(SCENARIO_BUDGET_MS, RUN_BUDGET_MS - (Date.now() - started));
  if (budgetMs < 10_000) {
    failed += 1;
    scenarios[mod.name] = { error: `not run: the whole run's ${RUN_BUDGET_MS / 1000} s were spent` };
    process.stderr.write(`bench: ${mod.name} not run, no time left\n`);
    continue;
  }
  process.stderr.write(`bench: ${mod.name}${smoke ? " (smoke)" : ""}…\n`);
  const t0 = Date.now();
  try {
    const result = await runIsolated(path.join(dir, file), mod.name, budgetMs);
    // A scenario measured in several variants reports each under its own name.
    if (result.scenarios && typeof result.scenarios === "object") Object.assign(scenarios, result.scenarios);
    else scenarios[mod.name] = result;
  } catch (err) {
    failed += 1;
    scenarios[mod.name] = { error: err instanceof Error ? err.message : String(err) };
  }
  scenarioSeconds[mod.name] = Math.round((Date.now() - t0) / 100) / 10;
  process.stderr.write(`bench: ${mod.name} done in ${scenarioSeconds[mod.name]!.toFixed(1)} s\n`);
}

const out = path.join(ROOT, "bench/results", smoke ? "smoke.tmp.json" : "latest.json");
// With --only, the other scenarios' last figures stay in the file.
const previous =
  only && existsSync(out)
    ? (JSON.parse(readFileSync(out, "utf8")) as {
        scenarios?: Record<string, unknown>;
        scenarioSeconds?: Record<string, number>;
      })
    : {};
const report = {
  machine: { ...machineInfo(), loadAvgAtStart },
  at: new Date().toISOString(),
  smoke,
  ...(only ? { only: [...only] } : {}),
  tookSeconds: Math.round((Date.now() - started) / 1000),
  scenarioSeconds: { ...previous.scenarioSeconds, ...scenarioSeconds },
  scenarios: withGoals({ ...previous.scenarios, ...scenarios }),
};
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`bench: wrote ${path.relative(ROOT, out)} in ${report.tookSeconds} s\n`);
for (const [key, figures] of Object.entries(report.scenarios)) {
  const lacking = (figures as { missingFields?: string[] }).missingFields;
  if (lacking) process.stderr.write(`bench: ${key} lacks figures SPEC.md asks for: ${lacking.join(", ")}\n`);
}
if (writeReadme) {
  writeReadmeTable(report);
  process.stderr.write("bench: README performance table rewritten\n");
}
// Scenarios may leave sockets or timers behind; the report is written, so end here.
process.exit(failed > 0 ? 1 : 0);
