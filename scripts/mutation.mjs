// `npm run test:mutation [-- options]`: mutation testing of the files in stryker.config.mjs, one
// Stryker pass per file against the tests named for it, then the per-file break threshold.
//
//   (no option)        every file, every mutant (a full run; rewrites the incremental report)
//   --incremental      only files whose source or tests changed since the committed report
//                      (reports/stryker-incremental.json), and in those only the changed mutants
//   --mutate a.ts,b.ts only these configured files
//   --check            no Stryker run: judge the committed report as it is
//
// Stryker's own `thresholds.break` judges the score of a whole run; this script judges each file
// (killed + timed out, over every valid mutant) against BREAK_PERCENT and lists those under it.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import config, { BREAK_PERCENT, groups, pending } from "../stryker.config.mjs";

const args = process.argv.slice(2);
const option = (name) => args.includes(name);
const mutateArg = args.includes("--mutate") ? args[args.indexOf("--mutate") + 1] : undefined;
const known = new Set(["--incremental", "--check", "--mutate", mutateArg]);
const unknown = args.filter((a) => !known.has(a));
if (unknown.length > 0) {
  console.error(`unknown option(s): ${unknown.join(" ")}`);
  process.exit(2);
}

// Files `pending` a first full run are mutated only when named (see stryker.config.mjs).
const testsOf = { ...pending, ...groups };
const files = mutateArg ? mutateArg.split(",") : Object.keys(groups);
for (const file of files) {
  if (!testsOf[file]) {
    console.error(`${file} is not configured in stryker.config.mjs`);
    process.exit(2);
  }
}

const reportPath = config.incrementalFile;
const readReport = () => (existsSync(reportPath) ? JSON.parse(readFileSync(reportPath, "utf8")) : undefined);

// What each file's results were computed from: a hash of the file and its tests as they were
// when its own pass ran. (The report's copy of a source is not enough: every Stryker pass
// rewrites the sources of all files it carries over, not only of the file it mutated.)
const fingerprintPath = "reports/stryker-fingerprints.json";
const fingerprints = existsSync(fingerprintPath) ? JSON.parse(readFileSync(fingerprintPath, "utf8")) : {};
const fingerprint = (file) =>
  createHash("sha256")
    .update(
      [file, ...testsOf[file]].map((f) => `${f}\n${existsSync(f) ? readFileSync(f, "utf8") : ""}`).join("\0"),
    )
    .digest("hex");

/** True when the report holds results for `file` computed from today's file and today's tests. */
function upToDate(report, file) {
  return Boolean(report?.files?.[file]) && fingerprints[file] === fingerprint(file);
}

if (!option("--check")) {
  for (const file of files) {
    if (option("--incremental") && upToDate(readReport(), file)) {
      console.log(`mutation: ${file} and its tests are unchanged, results reused`);
      continue;
    }
    console.log(`\nmutation: ${file} against ${testsOf[file].join(", ")}`);
    const stryker = [
      "stryker",
      "run",
      "--mutate",
      file,
      // Always incremental so each pass adds its file to the one report; a full run forces
      // every mutant of the file to run again.
      "--incremental",
      ...(option("--incremental") ? [] : ["--force"]),
    ];
    // The file's tests, for vitest.stryker.config.ts (not Stryker's --testFiles: see there why).
    const env = { ...process.env, MUTATION_TESTS: testsOf[file].join(",") };
    const run = spawnSync("npx", stryker, { stdio: "inherit", env });
    if (run.status !== 0) {
      console.error(`mutation: Stryker failed on ${file} (exit ${run.status ?? run.signal})`);
      process.exit(1);
    }
    fingerprints[file] = fingerprint(file);
    writeFileSync(fingerprintPath, `${JSON.stringify(fingerprints, null, 2)}\n`);
  }
}

// The per-file threshold, over the report Stryker wrote (mutation-testing-report-schema).
const report = readReport();
if (!report) {
  console.error(`mutation: no report at ${reportPath}; run without --check first`);
  process.exit(1);
}
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const judged = [...Object.keys(groups), ...Object.keys(pending).filter((f) => report.files[f])];
const rows = judged.map((file) => {
  const mutants = report.files[file]?.mutants ?? [];
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
  const ignored = mutants.filter((m) => m.status === "Ignored").length;
  const timedOut = mutants.filter((m) => m.status === "Timeout").length;
  const valid = detected + undetected;
  const score = valid === 0 ? Number.NaN : (100 * detected) / valid;
  return { file, score, detected, timedOut, undetected, ignored, missing: !report.files[file] };
});

console.log(
  `\n| file | score | killed (of which timed out) | survived or not covered | disabled (equivalent) |\n|---|---|---|---|---|`,
);
for (const r of rows) {
  const score = r.missing ? "not run" : `${r.score.toFixed(1)} %`;
  console.log(
    `| \`${r.file}\` | ${score} | ${r.detected} (${r.timedOut}) | ${r.undetected} | ${r.ignored} |`,
  );
}
for (const file of Object.keys(pending).filter((f) => !report.files[f]))
  console.log(`| \`${file}\` | pending a first run | | | |`);
const failing = rows.filter((r) => groups[r.file] && (r.missing || !(r.score >= BREAK_PERCENT)));
if (failing.length > 0) {
  console.error(`\nmutation: under the ${BREAK_PERCENT} % threshold:`);
  for (const r of failing)
    console.error(`  ${r.file}: ${r.missing ? "no results" : `${r.score.toFixed(1)} %`}`);
  process.exit(1);
}
console.log(`\nmutation: every configured file scores at least ${BREAK_PERCENT} %`);
