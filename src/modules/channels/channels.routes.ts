import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import type { ChannelsModule } from "./channels.module";
import { channelView } from "./channels.service";
import { CHANNEL_TIERS, CHAT_TYPES } from "./channels.table";

const ChannelSchema = z
  .object({
    id: z.string(),
    chatId: z.string(),
    title: z.string(),
    type: z.enum(CHAT_TYPES),
    minTier: z.enum(CHANNEL_TIERS),
    postSignals: z.boolean(),
    active: z.boolean(),
    /** Why the channel is inactive (the bot lacks admin rights), else null. */
    inactiveReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Channel" });

const ChannelWithMembers = ChannelSchema.extend({ members: z.number().int() });

const MyChannel = z.object({
  id: z.string(),
  title: z.string(),
  minTier: z.enum(CHANNEL_TIERS),
  access: z.enum(["member", "invited", "none"]),
  inviteLink: z.string().nullable(),
});

const IdParams = z.object({ id: z.string().min(1).max(64) });

/** API.md §12: linking channels and groups (admin), and each subscriber's access with their link. */
export function channelsRoutes(deps: { channels: ChannelsModule; guards: Guards }): FastifyPluginAsyncZod {
  const { channels, guards } = deps;
  const tags = ["admin: channels"];
  return async (app) => {
    app.post(
      "/api/v1/admin/channels",
      {
        onRequest: guards.requireAdmin,
        config: { problems: [409] },
        schema: {
          summary: "Link a channel or group",
          description:
            "Sells access to a Telegram chat from a minimum tier; the bot must be an administrator there that can invite and ban (409 channels.bot_not_admin). 503 when the bot is off.",
          tags,
          body: z.object({
            chatId: z.string().regex(/^-?\d{1,20}$/, "a Telegram chat id such as -1001234567890"),
            minTier: z.enum(CHANNEL_TIERS),
            postSignals: z.boolean(),
          }),
          response: { 201: ChannelSchema },
        },
      },
      async (req, reply) => {
        const row = await channels.service.link(
          { id: currentUser(req).id },
          { chatId: Number(req.body.chatId), minTier: req.body.minTier, postSignals: req.body.postSignals },
        );
        return reply.code(201).send(channelView(row));
      },
    );

    app.get(
      "/api/v1/admin/channels",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "Linked channels and groups",
          description:
            "Every linked chat with its minimum tier, signal posting and whether the bot still has its rights.",
          tags,
          response: { 200: z.object({ items: z.array(ChannelWithMembers) }) },
        },
      },
      async () => ({
        items: (await channels.service.list()).map((c) => ({
          ...channelView(c.channel),
          members: c.members,
        })),
      }),
    );

    app.patch(
      "/api/v1/admin/channels/:id",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "Change a linked channel",
          description: "Minimum tier and signal posting; members who no longer qualify are removed.",
          tags,
          params: IdParams,
          body: z.object({ minTier: z.enum(CHANNEL_TIERS).optional(), postSignals: z.boolean().optional() }),
          response: { 200: ChannelSchema },
        },
      },
      async (req) => {
        const patch = {
          ...(req.body.minTier !== undefined ? { minTier: req.body.minTier } : {}),
          ...(req.body.postSignals !== undefined ? { postSignals: req.body.postSignals } : {}),
        };
        const row = await channels.service.update({ id: currentUser(req).id }, req.params.id, patch);
        return channelView(row);
      },
    );

    app.delete(
      "/api/v1/admin/channels/:id",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "Unlink a channel or group",
          description: "The bot stops managing access there.",
          tags,
          params: IdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await channels.service.unlink({ id: currentUser(req).id }, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      "/api/v1/me/channels",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "My channels",
          description:
            "Each linked chat with the caller's access and, when their plan qualifies, a personal invite link that creates a join request.",
          tags: ["channels"],
          response: { 200: z.object({ items: z.array(MyChannel) }) },
        },
      },
      async (req) => {
        const user = currentUser(req);
        const items = await channels.service.forUser(user.id, user.row.telegramId);
        return {
          items: items.map((i) => ({
            id: i.channel.id,
            title: i.channel.title,
            minTier: i.channel.minTier,
            access: i.access,
            inviteLink: i.inviteLink,
          })),
        };
      },
    );
  };
}
