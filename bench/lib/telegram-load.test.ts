import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { measureTelegram, updateBody } from "./telegram-load";

describe("telegram webhook load", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("each update is a private message from one of `users` people, its update_id from its index", () => {
    const update = updateBody({ users: 3, firstUpdateId: 100 }, 4, 1_700_000_000);
    expect(update).toMatchObject({
      update_id: 104,
      message: { chat: { id: 7_000_000_001, type: "private" }, from: { id: 7_000_000_001, is_bot: false } },
    });
  });

  it("counts what it sent, redelivered and got acknowledged, by update_id", async () => {
    const received: number[] = [];
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => {
        body += d;
      });
      req.on("end", () => {
        const update = JSON.parse(body) as { update_id: number };
        received.push(update.update_id);
        // Every update_id ending in 7 is refused: it must not count as acknowledged.
        const ok = req.headers["x-telegram-bot-api-secret-token"] === "s3cret" && update.update_id % 10 !== 7;
        res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const r = await measureTelegram({
      url: `http://127.0.0.1:${port}`,
      secret: "s3cret",
      connections: 4,
      seconds: 2,
      users: 50,
      duplicateEvery: 10,
      firstUpdateId: 1_000,
    });
    // Enough traffic for several redeliveries; the rate itself is the benchmark's business
    // (this machine may be busy), so the bar is low.
    expect(r.sent).toBeGreaterThan(30);
    expect(r.distinctSent + r.duplicatesSent).toBe(r.sent);
    expect(r.duplicatesSent).toBe(Math.floor(r.sent / 10));
    expect(new Set(received).size).toBeLessThanOrEqual(r.distinctSent);
    expect(r.acknowledged).toBe(r.statuses["200"]);
    expect(r.acknowledgedIds.every((id) => id % 10 !== 7 && received.includes(id))).toBe(true);
    expect(new Set(r.acknowledgedIds).size).toBe(r.acknowledgedIds.length);
    expect(r.duplicatesAcknowledged).toBeGreaterThan(0);
  });
});
