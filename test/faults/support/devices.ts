import type { Agent } from "node:http";
import { keepAliveAgent, signedRequest } from "../../../src/tools/signed-http";
import type { Front, Instance } from "./cluster";

/**
 * A simulated Expert Advisor that keeps its own log: every entry and update each poll brought
 * (when the poll was sent and answered, by which instance), and when each of its ACKs, fills and
 * update results was answered 2xx. The invariants are judged from these logs and the database.
 */

export interface Receipt {
  kind: "entry" | "update";
  /** The signal id of an entry, the update id of an update. */
  id: string;
  signalId: string;
  sentAt: number;
  at: number;
  instance: string;
}

interface PolledSignal {
  signalId: string;
  entryPrice: number | null;
  volume: number | null;
}

interface PolledUpdate {
  updateId: string;
  signalId: string;
  action: "modify" | "close" | "close_partial";
  fraction: number | null;
}

/** A signed write the device keeps sending until the server answers it (2xx, or a 4xx refusal). */
interface PendingWrite {
  path: string;
  body: Record<string, unknown>;
  onDone: (status: number, at: number) => void;
}

const POLL_WAIT_S = 20;
const RETRY_MS = 250;

export class FaultDevice {
  readonly receipts: Receipt[] = [];
  /** signalId → when the first ACK (or fill) was answered 2xx. */
  readonly ackedAt = new Map<string, number>();
  /** signalIds whose fill was answered 2xx. */
  readonly filled = new Set<string>();
  /** updateId → when its result was answered 2xx. */
  readonly settledAt = new Map<string, number>();
  /** Answers that were neither 2xx nor a connection failure, by status: what faults cost. */
  readonly refusals = new Map<number, number>();
  errors = 0;
  /** The instance the current poll is parked on, while one is in flight. */
  parkedOn: { instance: string; since: number } | undefined;
  private readonly pending: PendingWrite[] = [];
  private readonly volumes = new Map<string, number>();
  private readonly agent: Agent = keepAliveAgent();
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    readonly id: string,
    private readonly secret: string,
    readonly userId: string,
    private readonly front: Front,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.agent.destroy();
    await this.loop;
  }

  private request(instance: Instance, method: "GET" | "POST", path: string, body?: unknown) {
    return signedRequest(
      { baseUrl: instance.url, id: this.id, secret: this.secret, idHeader: "x-device-id", agent: this.agent },
      method,
      path,
      body,
      POLL_WAIT_S * 1000 + 15_000,
    );
  }

  private count(status: number): void {
    this.refusals.set(status, (this.refusals.get(status) ?? 0) + 1);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      // Writes first: a report the server has not taken yet is sent again before anything else.
      if (!(await this.flush())) {
        await this.pause();
        continue;
      }
      const instance = this.front.pick();
      const sentAt = Date.now();
      this.parkedOn = { instance: instance.name, since: sentAt };
      try {
        const res = await this.request(instance, "GET", `/api/v1/device/poll?wait=${POLL_WAIT_S}`);
        this.parkedOn = undefined;
        if (res.status !== 200) {
          this.count(res.status);
          await this.pause();
          continue;
        }
        const at = Date.now();
        const body = res.body as { signals: PolledSignal[]; updates: PolledUpdate[] };
        for (const s of body.signals) {
          this.receipts.push({
            kind: "entry",
            id: s.signalId,
            signalId: s.signalId,
            sentAt,
            at,
            instance: instance.name,
          });
          this.take(s);
        }
        for (const u of body.updates) {
          this.receipts.push({
            kind: "update",
            id: u.updateId,
            signalId: u.signalId,
            sentAt,
            at,
            instance: instance.name,
          });
          this.apply(u);
        }
      } catch {
        this.parkedOn = undefined;
        if (this.stopped) return;
        this.errors++;
        await this.pause();
      }
    }
  }

  private pause(): Promise<void> {
    return new Promise((r) => setTimeout(r, RETRY_MS));
  }

  /** ACK, then fill, as the reference client does. */
  private take(s: PolledSignal): void {
    const volume = s.volume ?? 0.1;
    this.pending.push({
      path: "/api/v1/device/ack",
      body: { signalId: s.signalId },
      onDone: (status, at) => {
        if (status < 300 && !this.ackedAt.has(s.signalId)) this.ackedAt.set(s.signalId, at);
      },
    });
    this.pending.push({
      path: "/api/v1/device/fill",
      body: {
        signalId: s.signalId,
        price: s.entryPrice ?? 1.1,
        volume,
        brokerTicket: `T-${this.id.slice(-8)}-${s.signalId.slice(-8)}`,
      },
      onDone: (status, at) => {
        if (status >= 300) return;
        this.filled.add(s.signalId);
        this.volumes.set(s.signalId, volume);
        if (!this.ackedAt.has(s.signalId)) this.ackedAt.set(s.signalId, at);
      },
    });
  }

  private apply(u: PolledUpdate): void {
    const held = this.volumes.get(u.signalId) ?? 0.1;
    const closedVolume =
      u.action === "close"
        ? held
        : u.action === "close_partial"
          ? Math.max(0.01, Math.round(held * (u.fraction ?? 0.5) * 100) / 100)
          : undefined;
    if (closedVolume !== undefined) this.volumes.set(u.signalId, Math.max(0.01, held - closedVolume));
    this.pending.push({
      path: "/api/v1/device/update-result",
      body: {
        updateId: u.updateId,
        status: "applied",
        ...(closedVolume === undefined ? {} : { closedVolume, closePrice: 1.2 }),
      },
      onDone: (status, at) => {
        if (status < 300 && !this.settledAt.has(u.updateId)) this.settledAt.set(u.updateId, at);
      },
    });
  }

  /** Sends the pending writes in order; false when one could not be sent (it is kept for later). */
  private async flush(): Promise<boolean> {
    while (this.pending.length > 0 && !this.stopped) {
      const w = this.pending[0]!;
      try {
        const res = await this.request(this.front.pick(), "POST", w.path, w.body);
        if (res.status >= 500 || res.status === 401 || res.status === 429) {
          // Unavailable, or a signature the server could not check (nonce store away): again later.
          this.count(res.status);
          return false;
        }
        if (res.status >= 300) this.count(res.status);
        this.pending.shift();
        w.onDone(res.status, Date.now());
      } catch {
        if (this.stopped) return false;
        this.errors++;
        return false;
      }
    }
    return true;
  }

  get pendingWrites(): number {
    return this.pending.length;
  }
}
