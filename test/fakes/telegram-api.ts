import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, unknown>;
  at: number;
}

type Reply =
  | { ok: true; result: unknown }
  | { ok: false; error_code: number; description: string; parameters?: unknown };

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
  botUsername = "signaldesk_test_bot";

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
      if (method === "getUpdates" && !this.failures.get(method)?.length) {
        await this.waitForUpdates(params);
      }
      const reply = this.failures.get(method)?.shift() ?? this.answer(method, params);
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
    this.failures.clear();
    this.updates = [];
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
      default:
        return { ok: true, result: true };
    }
  }
}
