import { defineErrors } from "../../shared/errors";

export const ConsoleErrors = defineErrors({
  linkInvalid: {
    code: "console.link_invalid",
    status: 401,
    title: "This sign-in link was already used, has expired or does not exist",
  },
  sessionNotFound: { code: "console.session_not_found", status: 404, title: "No such console session" },
  userNotFound: { code: "console.user_not_found", status: 404, title: "No such user" },
  signalNotFound: { code: "console.signal_not_found", status: 404, title: "No such signal" },
  botUnavailable: {
    code: "console.bot_unavailable",
    status: 503,
    title: "Broadcasts need the Telegram bot, which is not configured on this server",
  },
  notAdmin: {
    code: "console.admin_required",
    status: 403,
    title: "Console links are only for admins",
  },
});
