import { type InstanceOptions, serve } from "./server-instance";

/**
 * The entry of one scale-out instance process. The scenario bundles it (scripts/cli-bundle.mjs
 * `bundleEntry`) and runs the bundle with node, as `signaldesk start` runs its own.
 */
await serve(JSON.parse(process.argv[2]!) as InstanceOptions);
