import { defineErrors } from "../../shared/errors";

export const ChannelErrors = defineErrors({
  notFound: { code: "channels.not_found", status: 404, title: "Channel not found" },
  botNotAdmin: {
    code: "channels.bot_not_admin",
    status: 409,
    title: "The bot is not an administrator there that can invite and ban users",
  },
  alreadyLinked: { code: "channels.already_linked", status: 409, title: "That chat is already linked" },
  botOff: { code: "channels.bot_off", status: 503, title: "The Telegram bot is not configured" },
});
