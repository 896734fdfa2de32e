import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useListeningTestApp } from "../../test/support/app";
import { createDeviceOwner, createUser } from "../../test/support/factories";

const LISTENERS = fileURLToPath(new URL("./poll-listeners.ts", import.meta.url));

describe("poll listeners (the fan-out benchmark's devices)", () => {
  const live = useListeningTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });

  it("poll again when a wait runs out empty, and report each device once it gets its signal", async () => {
    // The listeners sign with the wall clock; keep the app's clock on it.
    live().clock.set(new Date());
    const owners = await Promise.all([1, 2, 3].map(() => createDeviceOwner(live().deps, "vip")));
    const devicesFile = path.join(mkdtempSync(path.join(tmpdir(), "sd-listeners-")), "devices.json");
    writeFileSync(
      devicesFile,
      JSON.stringify(owners.map((o) => ({ id: o.device.id, secret: o.signer.secret }))),
    );
    const child = spawn(
      process.execPath,
      ["--import", "tsx", LISTENERS, JSON.stringify({ url: live().url, devicesFile, waitSeconds: 1 })],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    try {
      const until = async (check: () => boolean) => {
        const deadline = Date.now() + 20_000;
        while (!check()) {
          if (Date.now() > deadline) throw new Error(`timed out; stderr: ${err}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => live().deps.delivery.stats().waiting === 3);
      // Past the first 1 s wait: every device has had an empty answer and polled again.
      await new Promise((r) => setTimeout(r, 1_500));
      await until(() => live().deps.delivery.stats().waiting === 3);
      const { headers } = await createUser(live().deps, { admin: true });
      const published = await live().app.inject({
        method: "POST",
        url: "/api/v1/signals",
        headers,
        payload: { instrument: "EURUSD", side: "buy", orderType: "market" },
      });
      const signalId = published.json().id as string;
      const approvedAt = Date.now();
      for (const owner of owners) await live().deps.signals.decide(owner.user.id, signalId, "approve");
      // Three devices, then the line that says all have theirs and what reading them cost.
      await until(() => out.trim().split("\n").filter(Boolean).length === 4);
      const lines = out
        .trim()
        .split("\n")
        .map(
          (l) =>
            JSON.parse(l) as { event: string; deviceId: string; at: number; cpuMs: number; fdLimit: number },
        );
      const received = lines.slice(0, 3);
      expect(new Set(received.map((l) => l.deviceId))).toEqual(new Set(owners.map((o) => o.device.id)));
      expect(received.every((l) => l.event === "received" && l.at >= approvedAt)).toBe(true);
      expect(lines[3]).toEqual({ event: "done", cpuMs: expect.any(Number), fdLimit: expect.any(Number) });
      expect(err).toBe("");
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);

  it("connect again when the server drops a connection before answering", async () => {
    live().clock.set(new Date());
    const owners = await Promise.all([1, 2].map(() => createDeviceOwner(live().deps, "vip")));
    const devicesFile = path.join(mkdtempSync(path.join(tmpdir(), "sd-listeners-")), "devices.json");
    writeFileSync(
      devicesFile,
      JSON.stringify(owners.map((o) => ({ id: o.device.id, secret: o.signer.secret }))),
    );
    const child = spawn(
      process.execPath,
      ["--import", "tsx", LISTENERS, JSON.stringify({ url: live().url, devicesFile, waitSeconds: 30 })],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    try {
      const until = async (check: () => boolean) => {
        const deadline = Date.now() + 20_000;
        while (!check()) {
          if (Date.now() > deadline) throw new Error("timed out");
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      await until(() => live().deps.delivery.stats().waiting === 2);
      // What a full accept queue or a restarted balancer does to a parked poll: reset, unanswered.
      live().app.server.closeAllConnections();
      await until(() => live().deps.delivery.stats().waiting === 0);
      await until(() => live().deps.delivery.stats().waiting === 2);
      const { headers } = await createUser(live().deps, { admin: true });
      const published = await live().app.inject({
        method: "POST",
        url: "/api/v1/signals",
        headers,
        payload: { instrument: "EURUSD", side: "buy", orderType: "market" },
      });
      const signalId = published.json().id as string;
      for (const owner of owners) await live().deps.signals.decide(owner.user.id, signalId, "approve");
      await until(() => out.includes('"event":"done"'));
      const devicesReceived = out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { event: string; deviceId: string })
        .filter((l) => l.event === "received")
        .map((l) => l.deviceId);
      expect(new Set(devicesReceived)).toEqual(new Set(owners.map((o) => o.device.id)));
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
