import { call, login, mapLimit, ok, type Reply } from "../../e2e/support/crash-http";
import { signedWebhook } from "../../fakes/stripe";
import { ADMIN_TELEGRAM_ID, type Cluster, type Front } from "./cluster";
import { FaultDevice } from "./devices";

/**
 * The steady load the faults land on: subscribers with devices long-polling through the front,
 * signals published and approved, updates (stop moves, closes) on filled positions, and orders
 * paid by Stripe webhook. Every write is retried with the same key until the service answers it,
 * so after a heal each has an answer and the database can be checked against them exactly.
 */

const USERS = 5;
const DEVICES_PER_USER = 2;
const PUBLISH_EVERY_MS = 1_500;
const UPDATE_EVERY_MS = 1_000;
const ORDER_EVERY_MS = 2_500;
/** A write the service does not answer within this (a slow or stalled database) is sent again. */
const WRITE_TIMEOUT_MS = 15_000;
const RETRY_MS = 500;

export interface User {
  telegramId: number;
  userId: string;
  token: string;
}

export interface Written {
  kind: "signal" | "approval" | "update" | "order" | "checkout" | "webhook";
  key: string;
  status: number;
  body: Record<string, unknown>;
}

/** One request through the front; a refused connection goes to the next instance. */
export async function frontCall(
  front: Front,
  method: "GET" | "POST",
  path: string,
  opts: Parameters<typeof call>[3] = {},
): Promise<Reply> {
  let lastError: unknown;
  for (let attempt = 0; attempt < front.instances.length; attempt++) {
    const instance = front.pick();
    try {
      return await withTimeout(call(instance.url, method, path, opts), WRITE_TIMEOUT_MS);
    } catch (err) {
      lastError = err;
      const code = (err as { cause?: { code?: string } }).cause?.code;
      if (code !== "ECONNREFUSED") throw err;
    }
  }
  throw lastError;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export class Load {
  users: User[] = [];
  devices: FaultDevice[] = [];
  admin = { token: "", userId: "" };
  private tiers = { vip: "", premium: "" };
  readonly written: Written[] = [];
  /** Attempts answered with something other than the expected success, by kind and status. */
  readonly refused = new Map<string, number>();
  /** Signals published by this load: id → updates made so far, closed or not. */
  private readonly signals = new Map<string, { at: number; updates: number; closed: boolean }>();
  private producing = false;
  /** After a quiesce, a write still unanswered this long is given up and reported. */
  private giveUpAt = Number.POSITIVE_INFINITY;
  readonly unanswered: string[] = [];
  private flows: Promise<void>[] = [];
  private seq = 0;
  readonly runId = Date.now().toString(36);

  constructor(private readonly cluster: Cluster) {}

  private get front(): Front {
    return this.cluster.front;
  }

  async setup(): Promise<void> {
    const base = this.front.pick().url;
    this.admin = await login(base, ADMIN_TELEGRAM_ID);
    const catalog = await ok<{ categories: { products: { tiers: { id: string; level: string }[] }[] }[] }>(
      base,
      "GET",
      "/api/v1/catalog",
      200,
    );
    const tiers = catalog.categories.flatMap((c) => c.products.flatMap((p) => p.tiers));
    this.tiers = {
      vip: tiers.find((t) => t.level === "vip")!.id,
      premium: tiers.find((t) => t.level === "premium")!.id,
    };
    this.users = await mapLimit(
      Array.from({ length: USERS }, (_, i) => i),
      2,
      async (i) => {
        const telegramId = 7_910_000 + i;
        const { token, userId } = await login(this.front.pick().url, telegramId);
        await ok(this.front.pick().url, "POST", `/api/v1/admin/users/${userId}/entitlements`, 201, {
          token: this.admin.token,
          body: { tierId: this.tiers.vip, days: 30 },
        });
        for (let d = 0; d < DEVICES_PER_USER; d++) {
          const dev = await ok<{ id: string; secret: string }>(
            this.front.pick().url,
            "POST",
            "/api/v1/devices",
            201,
            { token, body: { name: `ea-${d}` } },
          );
          this.devices.push(new FaultDevice(dev.id, dev.secret, userId, this.front));
        }
        return { telegramId, userId, token };
      },
    );
    for (const d of this.devices) d.start();
  }

  /** Starts the producers (publishing, approving, updating, ordering); `quiesce` ends them. */
  produce(): void {
    if (this.producing) return;
    this.producing = true;
    this.flows = [
      this.every(PUBLISH_EVERY_MS, () => this.publishAndApprove()),
      this.every(UPDATE_EVERY_MS, () => this.updateOne()),
      this.every(ORDER_EVERY_MS, () => this.orderAndPay()),
    ];
  }

  /** Stops starting new work and waits until every write begun has its answer. */
  async quiesce(): Promise<void> {
    this.producing = false;
    this.giveUpAt = Date.now() + 60_000;
    await Promise.all(this.flows);
    this.flows = [];
    this.giveUpAt = Number.POSITIVE_INFINITY;
  }

  private async every(ms: number, work: () => Promise<void>): Promise<void> {
    while (this.producing) {
      const started = Date.now();
      // An unanswered write is already recorded in `unanswered`; the flow just ends.
      if (
        !(await work().then(
          () => true,
          () => false,
        ))
      )
        return;
      const rest = ms - (Date.now() - started);
      if (rest > 0 && this.producing) await new Promise((r) => setTimeout(r, rest));
    }
  }

  /**
   * Sends one write until it is answered with one of `done` (the same key each time: an
   * externalId, an Idempotency-Key, a Stripe event id), counting every other answer.
   */
  private async write(
    kind: Written["kind"],
    key: string,
    done: number[],
    send: () => Promise<Reply>,
  ): Promise<Written> {
    for (;;) {
      if (Date.now() > this.giveUpAt) {
        this.unanswered.push(`${kind} ${key}`);
        throw new Error(`${kind} ${key}: no answer a minute after the heal`);
      }
      try {
        const reply = await send();
        if (done.includes(reply.status)) {
          const w = { kind, key, status: reply.status, body: (reply.body ?? {}) as Record<string, unknown> };
          this.written.push(w);
          return w;
        }
        this.refuse(`${kind} ${reply.status}`);
      } catch {
        this.refuse(`${kind} no answer`);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private refuse(what: string): void {
    this.refused.set(what, (this.refused.get(what) ?? 0) + 1);
  }

  private async publishAndApprove(): Promise<void> {
    const externalId = `faults-${this.runId}-${++this.seq}`;
    const body = {
      externalId,
      instrument: "EURUSD",
      side: "buy",
      orderType: "market",
      volume: 0.1,
      stopLoss: 1.0,
      ttlSeconds: 3600,
    };
    const signal = await this.write("signal", externalId, [200, 201], () =>
      frontCall(this.front, "POST", "/api/v1/signals", { token: this.admin.token, body }),
    );
    const id = String(signal.body.id);
    this.signals.set(id, { at: Date.now(), updates: 0, closed: false });
    await Promise.all(
      this.users.map((u) =>
        this.write("approval", `${id}|${u.userId}`, [201, 409], () =>
          frontCall(this.front, "POST", `/api/v1/signals/${id}/decision`, {
            token: u.token,
            body: { decision: "approve" },
          }),
        ),
      ),
    );
  }

  /** Moves the stop of a signal a few seconds old, and closes it at its third update. */
  private async updateOne(): Promise<void> {
    const candidates = [...this.signals.entries()].filter(([, s]) => !s.closed && Date.now() - s.at > 3_000);
    if (candidates.length === 0) return;
    const [id, s] = candidates[Math.floor(Math.random() * candidates.length)]!;
    s.updates++;
    const close = s.updates >= 3;
    const externalId = `${id}-u${s.updates}`;
    const body = close
      ? { action: "close", externalId }
      : { action: "modify", stopLoss: Number((1 + s.updates / 100).toFixed(2)), externalId };
    await this.write("update", externalId, [200, 201], () =>
      frontCall(this.front, "POST", `/api/v1/signals/${id}/updates`, { token: this.admin.token, body }),
    );
    if (close) s.closed = true;
  }

  private async orderAndPay(): Promise<void> {
    const user = this.users[this.seq % this.users.length]!;
    const key = `faults-order-${this.runId}-${++this.seq}`;
    const order = await this.write("order", key, [201], () =>
      frontCall(this.front, "POST", "/api/v1/orders", {
        token: user.token,
        body: { tierId: this.tiers.premium, months: 1, region: "GB" },
        headers: { "idempotency-key": key },
      }),
    );
    const orderId = String(order.body.id);
    const checkout = await this.write("checkout", orderId, [200], () =>
      frontCall(this.front, "POST", `/api/v1/orders/${orderId}/checkout`, {
        token: user.token,
        body: { provider: "stripe" },
      }),
    );
    const event = this.cluster.stripe.sessionEvent(
      "checkout.session.completed",
      String(checkout.body.sessionId),
    );
    await this.write("webhook", `${orderId}|${String(event.id)}`, [200], () => {
      const { payload, headers } = signedWebhook(event);
      return frontCall(this.front, "POST", "/api/v1/webhooks/stripe", { raw: payload, headers });
    });
  }

  async stop(): Promise<void> {
    await this.quiesce();
    await Promise.all(this.devices.map((d) => d.stop()));
  }
}
