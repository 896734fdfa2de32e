import { defineErrors } from "../errors";

export const OpsErrors = defineErrors({
  metricsLocalOnly: {
    code: "ops.metrics_local_only",
    status: 403,
    title: "Metrics are served to this machine only; set METRICS_TOKEN to read them remotely",
  },
});
