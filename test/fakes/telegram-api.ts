import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
}

/** A ChatMember as the Bot API returns it (the fields the fake keeps). */
export interface FakeChatMember {
  status: "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";
  user: { id: number; is_bot: boolean; first_name: string; username?: string };
  is_member?: boolean;
  until_date?: number;
  can_be_edited?: boolean;
  is_anonymous?: boolean;
  can_manage_chat?: boolean;
  can_delete_messages?: boolean;
  can_manage_video_chats?: boolean;
  can_restrict_members?: boolean;
  can_promote_members?: boolean;
  can_change_info?: boolean;
  can_invite_users?: boolean;
  can_post_messages?: boolean;
  can_edit_messages?: boolean;
  can_pin_messages?: boolean;
  can_post_stories?: boolean;
  can_edit_stories?: boolean;
  can_delete_stories?: boolean;
}

/** A group or channel the fake knows: its members, pending join requests, messages and links. */
export interface FakeChat {
  id: number;
  type: "channel" | "supergroup" | "group";
  title: string;
  members: Map<number, FakeChatMember>;
  joinRequests: Set<number>;
  messages: Map<number, { text: string; replyTo?: number; edits: number }>;
  links: string[];
  /** Links revoked with revokeChatInviteLink: Telegram no longer accepts them. */
  revokedLinks: Set<string>;
}

type Reply =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: unknown };

/** What the Bot API answers for a private chat whose person blocked the bot. */
const BLOCKED: Reply = { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" };

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(raw);
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * A Bot API server on 127.0.0.1 that records every call. Answers are sensible defaults
 * (getMe, sendMessage with a message id, true otherwise); tests script failures such as a 429
 * with retry_after through `failNext`.
 */
export class FakeTelegramApi {
  readonly calls: RecordedCall[] = [];
  private server: Server | undefined;
  private failures = new Map<string, Reply[]>();
  private nextMessageId = 1;
  private updates: { update_id: number }[] = [];
  /** Private chats whose person blocked the bot: every call to them answers 403 like Telegram. */
  readonly blockedChats = new Set<number>();
  botUsername = "signaldesk_test_bot";
  /** The bot's user id: the token's numeric prefix, as Telegram has it. */
  botId = 123456;
  readonly chats = new Map<number, FakeChat>();
  /** Like Telegram's flood control: beyond this many calls a second, 429 with retry_after. */
  limitPerSecond: number | undefined;
  private window: { second: number; count: number } = { second: 0, count: 0 };
  rateLimited = 0;
  /** Stars charges refunded through refundStarPayment: a second refund of one is refused. */
  readonly refundedCharges = new Set<string>();
  /** Invoices made with createInvoiceLink, by the slug of their `https://t.me/$<slug>` link. */
  readonly invoiceLinks = new Map<string, Record<string, unknown>>();
  /**
   * Star subscriptions Telegram holds, by the charge id of their first payment (the id
   * editUserStarSubscription takes): whose they are and whether the bot cancelled their renewal.
   * A test adds one when it delivers a subscription's first payment (`subscribeWithStars`).
   */
  readonly starSubscriptions = new Map<string, { userId: number; canceledByBot: boolean }>();
  /** Runs before a call is answered: a test makes something happen meanwhile (a race). */
  beforeAnswer: ((method: string, params: Record<string, unknown>) => Promise<void>) | undefined;

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const match = /^\/bot([^/]+)\/(\w+)/.exec(req.url ?? "");
      const params = await readParams(req).catch(() => ({}));
      if (!match) {
        res.writeHead(404).end();
        return;
      }
      const [, token, method] = match as unknown as [string, string, string];
      this.calls.push({ method, token, params, at: Date.now() });
      await this.beforeAnswer?.(method, params);
      const limited = this.overLimit();
      if (limited) {
        res.writeHead(429, { "content-type": "application/json" });
        res.end(JSON.stringify(limited));
        return;
      }
      if (method === "getUpdates" && !this.failures.get(method)?.length) {
        await this.waitForUpdates(params);
      }
      const reply =
        this.failures.get(method)?.shift() ??
        (this.blockedChats.has(Number((params as { chat_id?: unknown }).chat_id))
          ? BLOCKED
          : this.answer(method, params));
      res.writeHead(reply.ok ? 200 : reply.error_code, { "content-type": "application/json" });
      res.end(JSON.stringify(reply));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  failNext(
    method: string,
    errorCode: number,
    description: string,
    parameters?: Record<string, unknown>,
  ): void {
    const list = this.failures.get(method) ?? [];
    list.push({ ok: false, error_code: errorCode, description, ...(parameters ? { parameters } : {}) });
    this.failures.set(method, list);
  }

  /** Updates handed out by getUpdates (long polling), honouring its offset like Telegram. */
  pushUpdates(...updates: { update_id: number }[]): void {
    this.updates.push(...updates);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
    this.blockedChats.clear();
    this.failures.clear();
    this.updates = [];
    this.chats.clear();
    this.limitPerSecond = undefined;
    this.rateLimited = 0;
    this.refundedCharges.clear();
    this.invoiceLinks.clear();
    this.starSubscriptions.clear();
    this.beforeAnswer = undefined;
  }

  /** The payer opened a subscription invoice link and paid: Telegram now renews it every period. */
  subscribeWithStars(userId: number, firstChargeId: string): void {
    this.starSubscriptions.set(firstChargeId, { userId, canceledByBot: false });
  }

  /**
   * A group or channel with the bot in it: an administrator with the given rights (the rights a
   * signal seller grants by default), or `rights: null` for a plain member.
   */
  addChat(
    id: number,
    opts: {
      type?: FakeChat["type"];
      title?: string;
      rights?: Partial<FakeChatMember> | null;
    } = {},
  ): FakeChat {
    const type = opts.type ?? "channel";
    const chat: FakeChat = {
      id,
      type,
      title: opts.title ?? `Chat ${id}`,
      members: new Map(),
      joinRequests: new Set(),
      messages: new Map(),
      links: [],
      revokedLinks: new Set(),
    };
    this.chats.set(id, chat);
    this.setBotRights(id, opts.rights === undefined ? {} : opts.rights);
    return chat;
  }

  /** The bot's membership in a chat: administrator with `rights` (all needed ones by default), or a member. */
  setBotRights(chatId: number, rights: Partial<FakeChatMember> | null): FakeChatMember {
    const chat = this.chats.get(chatId)!;
    const user = { id: this.botId, is_bot: true, first_name: "signaldesk", username: this.botUsername };
    const member: FakeChatMember =
      rights === null
        ? { status: "member", user }
        : {
            status: "administrator",
            user,
            can_be_edited: false,
            is_anonymous: false,
            can_manage_chat: true,
            can_delete_messages: true,
            can_manage_video_chats: true,
            can_restrict_members: true,
            can_promote_members: false,
            can_change_info: false,
            can_invite_users: true,
            can_post_stories: false,
            can_edit_stories: false,
            can_delete_stories: false,
            ...(chat.type === "channel"
              ? { can_post_messages: true, can_edit_messages: true }
              : { can_pin_messages: true }),
            ...rights,
          };
    chat.members.set(this.botId, member);
    return member;
  }

  /** Someone asks to join (as through an invite link that creates join requests). */
  requestJoin(chatId: number, userId: number): void {
    this.chats.get(chatId)!.joinRequests.add(userId);
  }

  /** Someone is in the chat without the bot (admitted by hand by a chat admin). */
  addMember(chatId: number, user: { id: number; first_name: string }): void {
    this.chats.get(chatId)!.members.set(user.id, { status: "member", user: { ...user, is_bot: false } });
  }

  statusIn(chatId: number, userId: number): FakeChatMember["status"] {
    return this.chats.get(chatId)?.members.get(userId)?.status ?? "left";
  }

  private overLimit(): Reply | undefined {
    if (this.limitPerSecond === undefined) return undefined;
    const second = Math.floor(Date.now() / 1000);
    if (this.window.second !== second) this.window = { second, count: 0 };
    this.window.count++;
    if (this.window.count <= this.limitPerSecond) return undefined;
    this.rateLimited++;
    return {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    };
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A long poll returns as soon as updates exist, or empty after a short wait (kept short for tests). */
  private async waitForUpdates(params: Record<string, unknown>): Promise<void> {
    const offset = Number(params.offset ?? 0);
    this.updates = this.updates.filter((u) => u.update_id >= offset);
    const deadline = Date.now() + Math.min(Number(params.timeout ?? 0) * 1000, 200);
    while (this.updates.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  private answer(method: string, params: Record<string, unknown>): Reply {
    const chatMethod = this.answerChat(method, params);
    if (chatMethod) return chatMethod;
    switch (method) {
      case "getUpdates":
        return { ok: true, result: this.updates.slice(0, Number(params.limit ?? 100)) };
      case "getMe":
        return {
          ok: true,
          result: { id: 123456, is_bot: true, first_name: "signaldesk", username: this.botUsername },
        };
      case "sendMessage":
      case "editMessageText":
      case "sendInvoice":
        return {
          ok: true,
          result: {
            message_id: method === "editMessageText" ? Number(params.message_id) : this.nextMessageId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(params.chat_id), type: "private" },
            text: params.text,
          },
        };
      case "editUserStarSubscription": {
        // Bot API: editUserStarSubscription(user_id, telegram_payment_charge_id, is_canceled) → True.
        const charge = String(params.telegram_payment_charge_id ?? "");
        const sub = this.starSubscriptions.get(charge);
        if (typeof params.is_canceled !== "boolean" || !params.user_id || !charge)
          return { ok: false, error_code: 400, description: "Bad Request: invalid parameters" };
        // (The wording of this refusal is the fake's own; Telegram documents only that it fails.)
        if (!sub || sub.userId !== Number(params.user_id))
          return { ok: false, error_code: 400, description: "Bad Request: subscription not found" };
        sub.canceledByBot = params.is_canceled;
        return { ok: true, result: true };
      }
      case "refundStarPayment": {
        // Bot API: refundStarPayment(user_id, telegram_payment_charge_id) → True.
        const charge = String(params.telegram_payment_charge_id ?? "");
        if (!params.user_id || !charge)
          return { ok: false, error_code: 400, description: "Bad Request: invalid parameters" };
        if (this.refundedCharges.has(charge))
          return { ok: false, error_code: 400, description: "Bad Request: CHARGE_ALREADY_REFUNDED" };
        this.refundedCharges.add(charge);
        return { ok: true, result: true };
      }
      case "createInvoiceLink": {
        // Bot API: createInvoiceLink(title, description, payload, currency, prices, …) → String, the
        // link (https://t.me/$<slug>) that WebApp.openInvoice opens. XTR takes one price, no provider token.
        const prices = params.prices as { label?: string; amount?: number }[] | undefined;
        if (!params.title || !params.description || !params.payload || !params.currency || !prices?.length)
          return { ok: false, error_code: 400, description: "Bad Request: invalid parameters" };
        if (params.currency === "XTR" && (prices.length !== 1 || !Number.isInteger(prices[0]!.amount)))
          return { ok: false, error_code: 400, description: "Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID" };
        // Documented limits: title 1-32 and description 1-255 characters, payload 1-128 bytes;
        // subscription_period only with XTR and only 2592000 (30 days).
        if (String(params.title).length > 32 || String(params.description).length > 255)
          return { ok: false, error_code: 400, description: "Bad Request: invalid parameters" };
        if (Buffer.byteLength(String(params.payload)) > 128)
          return { ok: false, error_code: 400, description: "Bad Request: invalid parameters" };
        if (
          params.subscription_period !== undefined &&
          (params.currency !== "XTR" || Number(params.subscription_period) !== 2592000)
        )
          return { ok: false, error_code: 400, description: "Bad Request: SUBSCRIPTION_PERIOD_INVALID" };
        const slug = `inv${this.invoiceLinks.size + 1}-${String(params.payload).slice(-8)}`;
        this.invoiceLinks.set(slug, params);
        return { ok: true, result: `https://t.me/$${slug}` };
      }
      default:
        return { ok: true, result: true };
    }
  }

  /** The Bot API methods on groups and channels, over the chats added with `addChat`. */
  private answerChat(method: string, params: Record<string, unknown>): Reply | undefined {
    const chat = this.chats.get(Number(params.chat_id));
    const chatMethods = [
      "getChat",
      "getChatMember",
      "getChatAdministrators",
      "createChatInviteLink",
      "revokeChatInviteLink",
      "approveChatJoinRequest",
      "declineChatJoinRequest",
      "banChatMember",
      "unbanChatMember",
      "sendMessage",
      "editMessageText",
    ];
    if (!chatMethods.includes(method)) return undefined;
    if (!chat) {
      if (method === "sendMessage" || method === "editMessageText") return undefined;
      return { ok: false, error_code: 400, description: "Bad Request: chat not found" };
    }
    const bot = chat.members.get(this.botId);
    const botIsAdmin = bot?.status === "administrator" || bot?.status === "creator";
    if (!bot || bot.status === "left" || bot.status === "kicked") {
      return {
        ok: false,
        error_code: 403,
        description: "Forbidden: bot is not a member of the channel chat",
      };
    }
    const userId = Number(params.user_id);
    const chatObject = { id: chat.id, type: chat.type, title: chat.title };
    const rights = (right: keyof FakeChatMember, description: string): Reply | undefined =>
      botIsAdmin && (bot.status === "creator" || bot[right] === true)
        ? undefined
        : { ok: false, error_code: 400, description: `Bad Request: ${description}` };
    switch (method) {
      case "getChat":
        return {
          ok: true,
          result: { ...chatObject, accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: {} },
        };
      case "getChatMember":
        return {
          ok: true,
          result: chat.members.get(userId) ?? {
            status: "left",
            user: { id: userId, is_bot: false, first_name: "?" },
          },
        };
      case "getChatAdministrators":
        return {
          ok: true,
          result: [...chat.members.values()].filter(
            (m) => m.status === "administrator" || m.status === "creator",
          ),
        };
      case "createChatInviteLink": {
        const refused = rights("can_invite_users", "not enough rights to manage chat invite link");
        if (refused) return refused;
        if (params.creates_join_request && params.member_limit) {
          return {
            ok: false,
            error_code: 400,
            description: "Bad Request: can't combine member limit with join requests",
          };
        }
        const link = `https://t.me/+fake${chat.id}x${chat.links.length}`;
        chat.links.push(link);
        return {
          ok: true,
          result: {
            invite_link: link,
            creator: bot.user,
            creates_join_request: Boolean(params.creates_join_request),
            is_primary: false,
            is_revoked: false,
            ...(params.name ? { name: params.name } : {}),
          },
        };
      }
      case "revokeChatInviteLink": {
        const refused = rights("can_invite_users", "not enough rights to manage chat invite link");
        if (refused) return refused;
        const link = String(params.invite_link);
        if (!chat.links.includes(link))
          return { ok: false, error_code: 400, description: "Bad Request: INVITE_HASH_EXPIRED" };
        chat.revokedLinks.add(link);
        return {
          ok: true,
          result: {
            invite_link: link,
            creator: bot.user,
            creates_join_request: true,
            is_primary: false,
            is_revoked: true,
          },
        };
      }
      case "approveChatJoinRequest":
      case "declineChatJoinRequest": {
        const refused = rights("can_invite_users", "not enough rights");
        if (refused) return refused;
        if (!chat.joinRequests.delete(userId)) {
          return { ok: false, error_code: 400, description: "Bad Request: HIDE_REQUESTER_MISSING" };
        }
        if (method === "approveChatJoinRequest") {
          chat.members.set(userId, {
            status: "member",
            user: { id: userId, is_bot: false, first_name: "?" },
          });
        }
        return { ok: true, result: true };
      }
      case "banChatMember": {
        const refused = rights(
          "can_restrict_members",
          "not enough rights to restrict/unrestrict chat member",
        );
        if (refused) return refused;
        const user = chat.members.get(userId)?.user ?? { id: userId, is_bot: false, first_name: "?" };
        chat.members.set(userId, { status: "kicked", user, until_date: 0 });
        return { ok: true, result: true };
      }
      case "unbanChatMember": {
        const refused = rights(
          "can_restrict_members",
          "not enough rights to restrict/unrestrict chat member",
        );
        if (refused) return refused;
        const current = chat.members.get(userId);
        if (current?.status === "kicked") chat.members.delete(userId);
        else if (current && !params.only_if_banned) chat.members.delete(userId);
        return { ok: true, result: true };
      }
      case "sendMessage": {
        if (chat.type === "channel") {
          const refused = rights("can_post_messages", "need administrator rights in the channel chat");
          if (refused) return refused;
        }
        const replyTo = (params.reply_parameters as { message_id?: number } | undefined)?.message_id;
        const id = this.nextMessageId++;
        chat.messages.set(id, { text: String(params.text), ...(replyTo ? { replyTo } : {}), edits: 0 });
        return {
          ok: true,
          result: {
            message_id: id,
            date: Math.floor(Date.now() / 1000),
            chat: chatObject,
            text: params.text,
          },
        };
      }
      default: {
        const id = Number(params.message_id);
        const message = chat.messages.get(id);
        if (!message)
          return { ok: false, error_code: 400, description: "Bad Request: message to edit not found" };
        if (message.text === String(params.text)) {
          return {
            ok: false,
            error_code: 400,
            description:
              "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
          };
        }
        message.text = String(params.text);
        message.edits++;
        return {
          ok: true,
          result: {
            message_id: id,
            date: Math.floor(Date.now() / 1000),
            edit_date: Math.floor(Date.now() / 1000),
            chat: chatObject,
            text: params.text,
          },
        };
      }
    }
  }
}
