import { ConfigError, loadConfig, type ResolvedConfig } from "./config";

/** Config errors are the operator's to fix: one line naming the variable, exit code 1. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): ResolvedConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`signaldesk: invalid configuration: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
