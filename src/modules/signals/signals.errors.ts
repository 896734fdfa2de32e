import { defineErrors } from "../../shared/errors";

export const SignalErrors = defineErrors({
  notFound: { code: "signals.not_found", status: 404, title: "Signal not found" },
  externalIdConflict: {
    code: "signals.external_id_conflict",
    status: 409,
    title: "This externalId was already used for a different signal",
  },
  alreadyDecided: {
    code: "signals.already_decided",
    status: 409,
    title: "You already decided on this signal",
  },
  expired: { code: "signals.expired", status: 409, title: "This signal has expired" },
  cancelled: { code: "signals.cancelled", status: 409, title: "This signal was cancelled" },
  closed: { code: "signals.closed", status: 409, title: "This signal's position is already closed" },
  noOpenPosition: {
    code: "signals.no_open_position",
    status: 409,
    title: "There is no open signal to apply this update to",
  },
});
