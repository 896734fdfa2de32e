import { defineErrors } from "../../shared/errors";

export const ProducerErrors = defineErrors({
  notFound: { code: "producers.not_found", status: 404, title: "Producer not found" },
});
