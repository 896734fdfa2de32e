import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy in front of one server (PostgreSQL or Redis) for one client (a signaldesk
 * instance), whose link the fault tests break on purpose:
 *
 * - `pass`: bytes flow both ways (what was held flows first, in order);
 * - `pause`: bytes are held in both directions, connections stay open (a stalled network);
 * - `cut`: existing connections are dropped and new ones refused (a partition);
 * - `slow(ms)`: every chunk towards the server waits `ms` first, so each round trip takes `ms`
 *   longer (a distant or overloaded database);
 * - `reset()`: existing connections get a TCP RST; new ones are served as before.
 */
export type LinkMode = "pass" | "pause" | "cut" | "slow";

interface Direction {
  to: Socket;
  queue: { data: Buffer; readyAt: number }[];
  timer: NodeJS.Timeout | undefined;
  /** Towards the server: the direction `slow` delays. */
  upstream: boolean;
}

interface Link {
  client: Socket;
  server: Socket;
  directions: [Direction, Direction];
}

export class FaultProxy {
  private server: Server | undefined;
  private readonly links = new Set<Link>();
  private linkMode: LinkMode = "pass";
  private delayMs = 0;
  /** Connections accepted since start (refused ones included): the tests' proof a link was used. */
  accepted = 0;
  port = 0;

  constructor(
    private readonly target: { host: string; port: number },
    readonly name = `proxy→${target.port}`,
  ) {}

  get mode(): LinkMode {
    return this.linkMode;
  }

  get openConnections(): number {
    return this.links.size;
  }

  async start(port = 0): Promise<number> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    this.dropAll(false);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  pass(): void {
    this.linkMode = "pass";
    this.delayMs = 0;
    this.flushAll();
  }

  pause(): void {
    this.linkMode = "pause";
  }

  cut(): void {
    this.linkMode = "cut";
    this.dropAll(false);
  }

  slow(ms: number): void {
    this.linkMode = "slow";
    this.delayMs = ms;
    this.flushAll();
  }

  /** RST on every open connection; the mode is unchanged, so new connections are served. */
  reset(): void {
    this.dropAll(true);
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.setNoDelay(true);
    if (this.linkMode === "cut") {
      client.on("error", () => {});
      client.resetAndDestroy();
      return;
    }
    const server = connect({ host: this.target.host, port: this.target.port });
    server.setNoDelay(true);
    const link: Link = {
      client,
      server,
      directions: [
        { to: server, queue: [], timer: undefined, upstream: true },
        { to: client, queue: [], timer: undefined, upstream: false },
      ],
    };
    this.links.add(link);
    const close = () => this.drop(link, false);
    client.on("data", (d: Buffer) => this.forward(link.directions[0], d));
    server.on("data", (d: Buffer) => this.forward(link.directions[1], d));
    // Either side ending or failing ends both, as a broken network path would.
    for (const s of [client, server]) {
      s.on("error", close);
      s.on("close", close);
    }
  }

  private forward(dir: Direction, data: Buffer): void {
    const delay = dir.upstream && this.linkMode === "slow" ? this.delayMs : 0;
    // Order is kept: a chunk never overtakes one queued before it.
    const last = dir.queue.at(-1)?.readyAt ?? 0;
    dir.queue.push({ data, readyAt: Math.max(Date.now() + delay, last) });
    this.pump(dir);
  }

  private pump(dir: Direction): void {
    if (this.linkMode === "pause" || this.linkMode === "cut") return;
    clearTimeout(dir.timer);
    dir.timer = undefined;
    const now = Date.now();
    while (dir.queue.length > 0 && (this.linkMode !== "slow" || dir.queue[0]!.readyAt <= now)) {
      const { data } = dir.queue.shift()!;
      if (!dir.to.destroyed) dir.to.write(data);
    }
    if (dir.queue.length > 0) dir.timer = setTimeout(() => this.pump(dir), dir.queue[0]!.readyAt - now);
  }

  private flushAll(): void {
    for (const link of this.links) for (const dir of link.directions) this.pump(dir);
  }

  private drop(link: Link, rst: boolean): void {
    if (!this.links.delete(link)) return;
    for (const dir of link.directions) {
      clearTimeout(dir.timer);
      dir.queue = [];
    }
    for (const s of [link.client, link.server]) {
      if (s.destroyed) continue;
      if (rst && s.readyState === "open") s.resetAndDestroy();
      else s.destroy();
    }
  }

  private dropAll(rst: boolean): void {
    for (const link of [...this.links]) this.drop(link, rst);
  }
}
