import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FaultProxy } from "./support/fault-proxy";

/** The fault proxy itself: each mode does to a live TCP link exactly what the fault tests rely on. */

/** An echo server that also counts the connections it saw. */
async function echoServer(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((s) => {
    connections++;
    s.on("error", () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return { server, port: (server.address() as { port: number }).port, connections: () => connections };
}

/** A client socket that records what it reads and how it ended. */
async function client(port: number) {
  const socket: Socket = connect({ host: "127.0.0.1", port });
  let received = "";
  let error: string | undefined;
  let closed = false;
  socket.on("data", (d) => {
    received += d.toString();
  });
  socket.on("error", (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message;
  });
  socket.on("close", () => {
    closed = true;
  });
  await new Promise<void>((resolve) => {
    socket.once("connect", () => resolve());
    socket.once("close", () => resolve());
  });
  return {
    socket,
    received: () => received,
    error: () => error,
    closed: () => closed,
  };
}

async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Lets the event loop turn long enough for bytes on loopback to arrive if they were going to. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe("fault proxy", () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FaultProxy;

  beforeEach(async () => {
    echo = await echoServer();
    proxy = new FaultProxy({ host: "127.0.0.1", port: echo.port });
    await proxy.start();
  });

  afterEach(async () => {
    await proxy.stop();
    await new Promise((r) => echo.server.close(r));
  });

  it("pass: bytes flow both ways", async () => {
    const c = await client(proxy.port);
    c.socket.write("hello");
    await until("the echo", () => c.received() === "hello");
    expect(proxy.openConnections).toBe(1);
    expect(echo.connections()).toBe(1);
  });

  it("pause: holds the bytes, keeps the connection, and delivers them in order on pass", async () => {
    const c = await client(proxy.port);
    c.socket.write("a");
    await until("the first echo", () => c.received() === "a");
    proxy.pause();
    c.socket.write("b");
    c.socket.write("c");
    await settle();
    expect(c.received()).toBe("a");
    expect(c.closed()).toBe(false);
    proxy.pass();
    await until("the held bytes", () => c.received() === "abc");
  });

  it("cut: drops open connections and refuses new ones until pass", async () => {
    const c = await client(proxy.port);
    c.socket.write("x");
    await until("the echo", () => c.received() === "x");
    proxy.cut();
    await until("the cut connection closed", () => c.closed());
    expect(proxy.openConnections).toBe(0);

    const refused = await client(proxy.port);
    await until("the refused connection closed", () => refused.closed());
    expect(refused.received()).toBe("");
    // The upstream server never saw the refused attempt.
    expect(echo.connections()).toBe(1);

    proxy.pass();
    const again = await client(proxy.port);
    again.socket.write("y");
    await until("the echo after the heal", () => again.received() === "y");
    expect(echo.connections()).toBe(2);
  });

  it("slow: holds bytes towards the server for the delay, in order; pass releases them", async () => {
    const c = await client(proxy.port);
    proxy.slow(60_000);
    c.socket.write("1");
    c.socket.write("2");
    await settle();
    // Far below the 60 s delay: nothing has reached the server yet.
    expect(c.received()).toBe("");
    proxy.pass();
    await until("the delayed bytes", () => c.received() === "12");
  });

  it("slow with a short delay still delivers everything, in order", async () => {
    const c = await client(proxy.port);
    proxy.slow(20);
    for (const ch of "abcdef") c.socket.write(ch);
    await until("all the bytes", () => c.received() === "abcdef");
  });

  it("reset: sends RST to open connections and still serves new ones", async () => {
    const c = await client(proxy.port);
    c.socket.write("x");
    await until("the echo", () => c.received() === "x");
    proxy.reset();
    await until("the reset connection closed", () => c.closed());
    expect(c.error()).toBe("ECONNRESET");
    const again = await client(proxy.port);
    again.socket.write("z");
    await until("the echo on a new connection", () => again.received() === "z");
  });

  it("an upstream that refuses the connection ends the client's connection", async () => {
    const { freePort } = await import("../support/process");
    const nobody = new FaultProxy({ host: "127.0.0.1", port: await freePort() });
    await nobody.start();
    try {
      const c = await client(nobody.port);
      await until("the client connection closed", () => c.closed());
      expect(nobody.openConnections).toBe(0);
    } finally {
      await nobody.stop();
    }
  });
});
