import { fanoutOn } from "../scenarios/fanout";

/**
 * The entry of one fan-out variant's process. The scenario bundles it (scripts/cli-bundle.mjs
 * `bundleEntry`) and runs the bundle with node, as `signaldesk start` runs its own: the RSS it
 * reports is the service's, not tsx's loader's (~70 MB, docs/perf/scaleout.md).
 */
const { databaseUrl, devices } = JSON.parse(process.argv[2]!) as { databaseUrl?: string; devices: number };
process.stdout.write(JSON.stringify(await fanoutOn(databaseUrl, devices)));
process.exit(0);
