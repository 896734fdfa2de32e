import { defineErrors, retitled } from "../../shared/errors";
import { SignalErrors } from "../signals/signals.errors";
import { UserErrors } from "../users/users.errors";

export const ExecutionErrors = {
  ...defineErrors({
    alreadyFinal: {
      code: "executions.already_final",
      status: 409,
      title: "This execution already has a different final outcome",
    },
    /** Unknown updates and updates of positions this device does not hold get the same answer. */
    updateNotFound: {
      code: "signals.update_not_found",
      status: 404,
      title: "No update with this id was sent to this device",
    },
  }),
  /** The same answer for unknown signals and ones the owner did not approve: nothing leaks. */
  signalNotFound: retitled(SignalErrors.notFound, "No signal with this id was approved for this device"),
  userNotFound: UserErrors.notFound,
};
