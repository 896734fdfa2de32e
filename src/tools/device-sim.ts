import { readFileSync } from "node:fs";
import type { Agent } from "node:http";
import { CommandError } from "../commands";
import { keepAliveAgent, type SignedClientOptions, signedRequest } from "./signed-http";

export interface SimDevice {
  id: string;
  secret: string;
}

export interface SimEvent {
  event: "received" | "ack" | "fill" | "error" | "update";
  deviceId: string;
  signalId?: string;
  updateId?: string;
  status?: number;
  /** Epoch milliseconds on this machine's clock. */
  at: number;
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
  stopLoss: number | null;
  takeProfit: number | null;
  fraction: number | null;
}

/** A simulated open position: what the terminal would hold after a fill. */
interface SimPosition {
  volume: number;
  openPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

/** MT5's "position not found" (ERR_TRADE_POSITION_NOT_FOUND): an update for a position this terminal does not hold. */
export const POSITION_NOT_FOUND = 4753;

/**
 * Applies one update to a simulated position (mutating it) and says what to report: the
 * volume closed and at which price, or why it failed. Closes happen at the open price moved
 * `closeOffset` in the position's favour (for a buy; the simulator does not know the side).
 */
export function applyUpdate(position: SimPosition | undefined, u: PolledUpdate, closeOffset = 0) {
  if (!position)
    return { status: "failed" as const, errorCode: POSITION_NOT_FOUND, errorMessage: "position not found" };
  if (u.action === "modify") {
    position.stopLoss = u.stopLoss ?? position.stopLoss;
    position.takeProfit = u.takeProfit ?? position.takeProfit;
    return { status: "applied" as const };
  }
  const closedVolume =
    u.action === "close"
      ? position.volume
      : Math.max(0.01, Math.round(position.volume * (u.fraction ?? 0) * 100) / 100);
  position.volume = Math.max(0, Math.round((position.volume - closedVolume) * 100) / 100);
  return { status: "applied" as const, closedVolume, closePrice: position.openPrice + closeOffset };
}

export interface DeviceSimOptions {
  url: string;
  devices: SimDevice[];
  /** Long-poll seconds, 0..30. */
  wait: number;
  /** ACK only, never fill: for measuring delivery alone. */
  ackOnly?: boolean;
  /**
   * Wait this long before reporting what arrived. One process stands in for thousands of
   * terminals; reporting at once would delay reading the neighbours' responses and bias a
   * delivery measurement with the simulator's own work.
   */
  reportDelayMs?: number;
  /** Stop after this many signals were executed across all devices. */
  count?: number;
  /** Price move (in the position's favour) at which simulated closes happen. */
  closeOffset?: number;
  onEvent?: (e: SimEvent) => void;
}

/**
 * The reference device client: each simulated EA long-polls, ACKs what it receives at once,
 * then reports a simulated fill, exactly as docs/device-protocol.md recommends. Many devices
 * share one process and one keep-alive pool, which is what the benchmarks need.
 */
export class DeviceSim {
  private stopped = false;
  /** Pending sleeps, ended early by stop(). */
  private readonly sleepers = new Set<() => void>();
  /**
   * One keep-alive agent per device: a shared agent keeps its sockets in arrays it searches on
   * every response, which with thousands of devices costs more than the responses themselves.
   */
  private readonly agents = new Map<string, Agent>();
  private executed = 0;
  /** Open positions per device and signal, as the terminals would hold them. */
  private readonly positions = new Map<string, SimPosition>();
  private loops: Promise<void>[] = [];
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor(private readonly opts: DeviceSimOptions) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  start(): this {
    this.loops = this.opts.devices.map((d) => this.run(d));
    return this;
  }

  async stop(): Promise<void> {
    if (this.stopped) return this.done;
    this.stopped = true;
    for (const wake of this.sleepers) wake();
    // Destroying the sockets ends every request in flight, parked long polls included.
    for (const agent of this.agents.values()) agent.destroy();
    await Promise.allSettled(this.loops);
    this.finish();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }

  private client(device: SimDevice): SignedClientOptions {
    const agent = keepAliveAgent(new URL(this.opts.url).protocol === "https:");
    this.agents.set(device.id, agent);
    return { baseUrl: this.opts.url, id: device.id, secret: device.secret, idHeader: "x-device-id", agent };
  }

  private emit(e: Omit<SimEvent, "at">): void {
    this.opts.onEvent?.({ ...e, at: Date.now() });
  }

  private async run(device: SimDevice): Promise<void> {
    const client = this.client(device);
    let backoffMs = 1_000;
    while (!this.stopped) {
      try {
        const res = await signedRequest(client, "GET", `/api/v1/device/poll?wait=${this.opts.wait}`);
        if (res.status !== 200)
          throw Object.assign(new Error(`poll HTTP ${res.status}`), { status: res.status });
        backoffMs = 1_000;
        const body = res.body as { signals: PolledSignal[]; updates?: PolledUpdate[] };
        const { signals } = body;
        const updates = body.updates ?? [];
        for (const signal of signals)
          this.emit({ event: "received", deviceId: device.id, signalId: signal.signalId });
        if (signals.length === 0 && updates.length === 0) continue;
        // Let the other devices' responses that arrived together be read first: one process
        // simulates many terminals, and a real terminal would not wait for its neighbours.
        await new Promise((r) => setImmediate(r));
        if (this.opts.reportDelayMs) await this.sleep(this.opts.reportDelayMs);
        for (const signal of signals) if (!this.stopped) await this.execute(client, device, signal);
        // In the order the server gives them: seq order within each position.
        for (const update of updates) if (!this.stopped) await this.settle(client, device, update);
      } catch (err) {
        if (this.stopped) return;
        const status = (err as { status?: number }).status;
        this.emit({ event: "error", deviceId: device.id, status });
        // An auth failure will not fix itself quickly (clock, secret, revocation): back off longer.
        const delay = status === 401 ? 60_000 : backoffMs;
        await this.sleep(delay + Math.random() * delay * 0.25);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  /** Applies an update to the simulated position and reports the result (applied, or failed 4753). */
  private async settle(client: SignedClientOptions, device: SimDevice, update: PolledUpdate): Promise<void> {
    const key = `${device.id}\n${update.signalId}`;
    const position = this.positions.get(key);
    const result = applyUpdate(position, update, this.opts.closeOffset);
    if (position && position.volume <= 0) this.positions.delete(key);
    const res = await signedRequest(client, "POST", "/api/v1/device/update-result", {
      updateId: update.updateId,
      ...result,
    });
    this.emit({
      event: "update",
      deviceId: device.id,
      signalId: update.signalId,
      updateId: update.updateId,
      status: res.status,
    });
  }

  private async execute(client: SignedClientOptions, device: SimDevice, signal: PolledSignal): Promise<void> {
    const ack = await signedRequest(client, "POST", "/api/v1/device/ack", { signalId: signal.signalId });
    this.emit({ event: "ack", deviceId: device.id, signalId: signal.signalId, status: ack.status });
    if (!this.opts.ackOnly && ack.status < 300) {
      const fill = await signedRequest(client, "POST", "/api/v1/device/fill", {
        signalId: signal.signalId,
        price: signal.entryPrice ?? 1,
        volume: signal.volume ?? 0.01,
        brokerTicket: `sim-${device.id.slice(-6)}-${signal.signalId.slice(-6)}`,
      });
      if (fill.status < 300) {
        this.positions.set(`${device.id}\n${signal.signalId}`, {
          volume: signal.volume ?? 0.01,
          openPrice: signal.entryPrice ?? 1,
          stopLoss: null,
          takeProfit: null,
        });
      }
      this.emit({ event: "fill", deviceId: device.id, signalId: signal.signalId, status: fill.status });
    }
    this.executed++;
    if (this.opts.count !== undefined && this.executed >= this.opts.count) void this.stop();
  }
}

type Args = Record<string, string | boolean | undefined>;

/** Devices from --devices-file (a JSON array of {id, secret}) or one from --device-id/--secret. */
export function devicesFromArgs(args: Args): SimDevice[] {
  if (typeof args["devices-file"] === "string") {
    const list = JSON.parse(readFileSync(args["devices-file"], "utf8")) as SimDevice[];
    if (
      !Array.isArray(list) ||
      list.some((d) => typeof d?.id !== "string" || typeof d?.secret !== "string")
    ) {
      throw new CommandError("--devices-file must hold a JSON array of {id, secret}");
    }
    return list;
  }
  if (typeof args["device-id"] === "string" && typeof args.secret === "string") {
    return [{ id: args["device-id"], secret: args.secret }];
  }
  throw new CommandError("give --devices-file, or --device-id and --secret");
}

/** `signaldesk device-sim`: runs until --count signals were executed, or until interrupted. */
export async function runDeviceSim(args: Args, out: (line: string) => void): Promise<void> {
  if (typeof args.url !== "string") throw new CommandError("--url is required");
  const wait = args.wait === undefined ? 25 : Number(args.wait);
  if (!Number.isInteger(wait) || wait < 0 || wait > 30) throw new CommandError("--wait must be 0..30");
  const count = args.count === undefined ? undefined : Number(args.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) {
    throw new CommandError("--count must be a positive integer");
  }
  // Lines are written in batches: thousands of devices receiving at once would otherwise cost a
  // write to stdout each, slowing the reading of the very responses being timed.
  const lines: string[] = [];
  const flush = () => {
    if (lines.length > 0) out(lines.splice(0).join("\n"));
  };
  const report = (line: string) => {
    if (lines.length === 0) setImmediate(flush);
    lines.push(line);
  };
  const sim = new DeviceSim({
    url: args.url,
    devices: devicesFromArgs(args),
    wait,
    count,
    ackOnly: args["ack-only"] === true,
    reportDelayMs: args["report-delay-ms"] === undefined ? undefined : Number(args["report-delay-ms"]),
    closeOffset: args["close-offset"] === undefined ? undefined : Number(args["close-offset"]),
    onEvent: (e) => report(JSON.stringify(e)),
  }).start();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void sim.stop());
  await sim.done;
  flush();
}
