import { CommonErrors, defineErrors } from "../../shared/errors";

export const AuthErrors = {
  ...defineErrors({
    initDataInvalid: {
      code: "auth.init_data_invalid",
      status: 401,
      title: "Telegram initData is invalid or stale",
    },
    botUnavailable: {
      code: "auth.telegram_unavailable",
      status: 503,
      title: "Telegram sign-in is not configured on this server",
    },
    csrfInvalid: {
      code: "auth.csrf_invalid",
      status: 403,
      title: "A console write needs the X-CSRF-Token the console was given",
    },
    adminOnly: { code: "auth.admin_required", status: 403, title: "This action needs the admin role" },
  }),
  /** Declared with the errors every module may raise (src/shared/errors.ts). */
  unauthenticated: CommonErrors.unauthenticated,
};
