import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useListeningTestApp } from "../../test/support/app";
import { createDeviceOwner, createUser } from "../../test/support/factories";
import { runPythonDevice } from "../../test/support/python";
import { DeviceSim, type SimEvent } from "./device-sim";
import { runPublish } from "./publish";

/** The reference clients against a real listening server: the protocol works outside app.inject. */
describe("device clients against a live server", () => {
  const live = useListeningTestApp({ env: { RATE_LIMIT_IP_PER_MINUTE: "100000" } });

  const publishAsAdmin = async () => {
    const { headers } = await createUser(live().deps, { admin: true });
    const res = await live().app.inject({
      method: "POST",
      url: "/api/v1/signals",
      headers,
      payload: { instrument: "XAUUSD", side: "sell", orderType: "limit", entryPrice: 2350.5, volume: 0.2 },
    });
    return res.json().id as string;
  };
  const executionOf = async (signalId: string) =>
    (
      await live().database.query<{ status: string; price: number }>(
        "select * from executions where signal_id = $1",
        [signalId],
      )
    )[0];

  it("the Python client long-polls, is woken by the approval, ACKs and reports a fill", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const signalId = await publishAsAdmin();
    const python = runPythonDevice([
      "--url",
      live().url,
      "--device-id",
      owner.device.id,
      `--secret=${owner.signer.secret}`,
      "--wait",
      "20",
      "--once",
    ]);
    const until = Date.now() + 10_000;
    while (live().deps.delivery.stats().waiting === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await live().deps.signals.decide(owner.user.id, signalId, "approve");
    const { code, lines, stderr } = await python;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(lines.map((l) => l.event)).toEqual(["poll", "ack", "fill"]);
    expect(lines[2]).toMatchObject({ signalId, execution: { status: "filled", price: 2350.5, volume: 0.2 } });
    expect(await executionOf(signalId)).toMatchObject({ status: "filled", price: 2350.5 });
  });

  it("the Python client reports a rejected signature as an error and exits non-zero", async () => {
    const owner = await createDeviceOwner(live().deps, "vip");
    const { code, lines } = await runPythonDevice([
      "--url",
      live().url,
      "--device-id",
      owner.device.id,
      "--secret",
      "wrong",
      "--once",
      "--wait",
      "0",
    ]);
    expect(code).toBe(1);
    expect(lines[0]).toMatchObject({
      event: "error",
      status: 401,
      problem: { code: "device_auth.rejected" },
    });
  });

  it("the TypeScript device simulator runs many devices: each receives, ACKs and fills", async () => {
    const owners = await Promise.all(
      [1, 2, 3].map(() => createDeviceOwner(live().deps, "vip", { autoApprove: true })),
    );
    const events: SimEvent[] = [];
    const sim = new DeviceSim({
      url: live().url,
      devices: owners.map((o) => o.signer),
      wait: 20,
      count: 3,
      onEvent: (e) => events.push(e),
    }).start();
    const until = Date.now() + 10_000;
    while (live().deps.delivery.stats().waiting < 3 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    const signalId = await publishAsAdmin();
    await sim.done;
    expect(events.filter((e) => e.event === "fill" && e.status === 201)).toHaveLength(3);
    const rows = await live().database.query<{ status: string }>(
      "select status from executions where signal_id = $1",
      [signalId],
    );
    expect(rows.map((r) => r.status)).toEqual(["filled", "filled", "filled"]);
  });

  const updateAsAdmin = async (signalId: string, body: object) => {
    const { headers } = await createUser(live().deps, { admin: true });
    const res = await live().app.inject({
      method: "POST",
      url: `/api/v1/signals/${signalId}/updates`,
      headers,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(201);
    await live().deps.events.settled();
    return res.json().id as string;
  };
  const resultsOf = (signalId: string) =>
    live().database.query<{
      update_id: string;
      status: string;
      closed_volume: number | null;
      close_price: number | null;
    }>(
      "select r.update_id, r.status, r.closed_volume, r.close_price from update_results r join signal_updates u on u.id = r.update_id where r.signal_id = $1 order by u.seq",
      [signalId],
    );

  it("the TypeScript simulator applies modify, partial close and close to its positions and reports each", async () => {
    const owner = await createDeviceOwner(live().deps, "vip", { autoApprove: true });
    const events: SimEvent[] = [];
    const sim = new DeviceSim({
      url: live().url,
      devices: [owner.signer],
      wait: 1,
      closeOffset: 10,
      onEvent: (e) => events.push(e),
    }).start();
    try {
      const signalId = await publishAsAdmin();
      const waitFor = async (check: () => boolean) => {
        const until = Date.now() + 15_000;
        while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(check()).toBe(true);
      };
      await waitFor(() => events.some((e) => e.event === "fill"));
      const modify = await updateAsAdmin(signalId, { action: "modify", stopLoss: 2360 });
      const partial = await updateAsAdmin(signalId, { action: "close_partial", fraction: 0.5 });
      const close = await updateAsAdmin(signalId, { action: "close" });
      await waitFor(() => events.filter((e) => e.event === "update").length === 3);
      expect(events.filter((e) => e.event === "update").map((e) => [e.updateId, e.status])).toEqual([
        [modify, 201],
        [partial, 201],
        [close, 201],
      ]);
      const results = await resultsOf(signalId);
      expect(results.map((r) => [r.status, r.closed_volume, r.close_price])).toEqual([
        ["applied", null, null],
        ["applied", 0.1, 2360.5],
        ["applied", 0.1, 2360.5],
      ]);
    } finally {
      await sim.stop();
    }
  });

  it("the Python client keeps its positions in a state file, applies updates on a later run and reports the closed trade", async () => {
    const owner = await createDeviceOwner(live().deps, "vip", { autoApprove: true });
    const signalId = await publishAsAdmin();
    const state = path.join(mkdtempSync(path.join(tmpdir(), "sd-py-")), "positions.json");
    const args = ["--url", live().url, "--device-id", owner.device.id, `--secret=${owner.signer.secret}`];
    const first = await runPythonDevice([...args, "--wait", "0", "--once", "--state", state]);
    expect(first.lines.map((l) => l.event)).toEqual(["poll", "ack", "fill"]);
    const partial = await updateAsAdmin(signalId, { action: "close_partial", fraction: 0.5 });
    const close = await updateAsAdmin(signalId, { action: "close" });
    const second = await runPythonDevice([
      ...args,
      "--wait",
      "0",
      "--once",
      "--state",
      state,
      "--close-offset",
      "-1.5",
    ]);
    expect(second.stderr).toBe("");
    expect(second.lines.map((l) => l.event)).toEqual(["poll", "update", "update", "trade"]);
    expect(await resultsOf(signalId)).toEqual([
      { update_id: partial, status: "applied", closed_volume: 0.1, close_price: 2352 },
      { update_id: close, status: "applied", closed_volume: 0.1, close_price: 2352 },
    ]);
    const trades = await live().database.query<{ signal_id: string; close_price: number }>(
      "select signal_id, close_price from trades where device_id = $1",
      [owner.device.id],
    );
    expect(trades).toEqual([{ signal_id: signalId, close_price: 2352 }]);
  });

  it("signaldesk publish signs as a producer, and reports a refusal clearly", async () => {
    const producer = await live().deps.producers.create({ kind: "cli" }, "cli-test");
    const args = {
      url: live().url,
      "producer-id": producer.id,
      secret: producer.secret,
      instrument: "EURUSD",
      side: "buy",
      sl: "1.08",
      tp: "1.1",
    };
    const out = JSON.parse(await runPublish(args));
    expect(out).toMatchObject({
      instrument: "EURUSD",
      side: "buy",
      orderType: "market",
      stopLoss: 1.08,
      takeProfit: 1.1,
    });
    await expect(runPublish({ ...args, tp: "1.07" })).rejects.toThrow(/HTTP 400\) request.invalid/);
    await expect(runPublish({ ...args, secret: "nope" })).rejects.toThrow(/HTTP 401\) device_auth.rejected/);
  });
});
