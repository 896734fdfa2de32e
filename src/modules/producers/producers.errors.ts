import { defineErrors } from "../../shared/errors";

export const ProducerErrors = defineErrors({
  notFound: { code: "producers.not_found", status: 404, title: "Producer not found" },
  /** Unknown, replaced or revoked alert tokens look alike. */
  alertUrlNotFound: {
    code: "producers.alert_url_not_found",
    status: 404,
    title: "No alert URL like this one",
  },
});
