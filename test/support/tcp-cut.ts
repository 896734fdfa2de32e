import net from "node:net";

/**
 * A TCP relay in front of a server (Redis, PostgreSQL) that a test can cut and heal: cut closes
 * every relayed connection and refuses new ones, as a restarted or unreachable server would;
 * heal lets connections through again. Only this test's connections go through it.
 */
export async function tcpCut(target: { host: string; port: number }) {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** `url` with its host and port replaced by the relay's. */
    through(url: string): string {
      const u = new URL(url);
      u.hostname = "127.0.0.1";
      u.port = String(port);
      return u.toString();
    },
    cut(): void {
      open = false;
      for (const s of sockets) s.destroy();
    },
    heal(): void {
      open = true;
    },
    async close(): Promise<void> {
      this.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
