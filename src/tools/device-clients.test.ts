import { describe, expect, it } from "vitest";
import { useListeningTestApp } from "../../test/support/app";
import { createUser } from "../../test/support/factories";
import { runPythonDevice } from "../../test/support/python";
import { createDeviceOwner } from "../../test/support/signed";
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
      "--secret",
      owner.signer.secret,
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
