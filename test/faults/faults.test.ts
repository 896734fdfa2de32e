import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/process";
import {
  allDelivered,
  type DeliveryFigures,
  deliveryFigures,
  dueNow,
  duplicates,
  scanLogs,
  watchReadyz,
  writesStoredOnce,
} from "./support/checks";
import { Cluster, type Instance } from "./support/cluster";
import { Load } from "./support/load";

/**
 * Issue 19: three server processes on PostgreSQL and Redis of the suite's own, each reaching
 * them through a fault proxy, under a steady load (devices long-polling through a round-robin
 * front, signals published, approved, filled, updated, orders paid by webhook). Each fault is
 * injected, healed, and the invariants proven before the next: every due entry and update
 * delivered within 10 s of the heal, none twice after its ACK or result, every 2xx write stored
 * exactly once, /readyz 503 while PostgreSQL is out of reach and 200 after, no instance
 * restarted, no error in any log. The figures go to test-results/faults.json.
 *
 * FAULTS_OUTAGE_S (30) and FAULTS_PARTITION_S (20) shorten the outages for local iteration.
 */

const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_S ?? 30) * 1000;
const PARTITION_MS = Number(process.env.FAULTS_PARTITION_S ?? 20) * 1000;
/** PostgreSQL stays down this long in its restart, so /readyz can be seen answering 503. */
const PG_DOWN_MS = 5_000;
/** Steady load before each fault. */
const STEADY_MS = 3_000;
/** How long after a heal the check waits for stragglers before calling them missing. */
const CHECK_MAX_MS = 45_000;
/** /readyz may take this long to notice a lost database, and as long to notice it back. */
const READYZ_GRACE_MS = 2_000;
const READYZ_RECOVERY_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface FaultResult extends Omit<DeliveryFigures, "lostItems"> {
  fault: string;
  /** Injection → heal. */
  outageMs: number;
  duplicated: number;
  writesChecked: number;
  /** What the load was refused with during the fault (kind and status → count). */
  refused: Record<string, number>;
  readyz?: Record<string, string>;
  /** The first few broken invariants of this fault, for whoever reads the JSON. */
  broken: string[];
}

describe("faults across instances (PostgreSQL, Redis, three processes)", () => {
  const cluster = new Cluster();
  const load = new Load(cluster);
  const results: FaultResult[] = [];

  beforeAll(async () => {
    await cluster.start(3);
    await load.setup();
    load.produce();
  });

  afterAll(async () => {
    await load.stop().catch(() => {});
    const dir = path.join(ROOT, "test-results");
    cluster.saveLogs(path.join(dir, "faults-logs"));
    await cluster.stop();
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "faults.json"),
      `${JSON.stringify({ at: new Date().toISOString(), outageMs: OUTAGE_MS, partitionMs: PARTITION_MS, results }, null, 2)}\n`,
    );
    const rows = results.map(
      (r) =>
        `| ${r.fault} | ${(r.outageMs / 1000).toFixed(1)} s | ${(r.recoverMs / 1000).toFixed(1)} s | ${(r.slowestMs / 1000).toFixed(1)} s | ${r.due} | ${r.late} | ${r.lost} | ${r.duplicated} | ${r.writesChecked} |`,
    );
    console.log(
      [
        "| fault | outage | time to recover | slowest delivery | due | late | lost | duplicated | 2xx writes checked |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
  });

  const refusedSnapshot = () => {
    const all = new Map(load.refused);
    for (const d of load.devices)
      for (const [status, n] of d.refusals)
        all.set(`device ${status}`, (all.get(`device ${status}`) ?? 0) + n);
    all.set(
      "device no answer",
      load.devices.reduce((n, d) => n + d.errors, 0),
    );
    return all;
  };

  /**
   * Steady load, then `inject` (which breaks something, waits, heals, and returns the heal
   * time); then the producers finish what they began, and every invariant is judged.
   */
  async function fault(name: string, inject: () => Promise<{ injectedAt: number; healedAt: number }>) {
    load.produce();
    await sleep(STEADY_MS);
    const from = Date.now();
    const before = refusedSnapshot();
    const { injectedAt, healedAt } = await inject();
    const quiesced = load.quiesce().then(() => true);
    let done = false;
    while (Date.now() - healedAt < CHECK_MAX_MS) {
      done = await Promise.race([quiesced, sleep(250).then(() => false)]);
      if (done && allDelivered(await dueNow(cluster), load.devices)) break;
    }
    await quiesced;
    const figures = deliveryFigures(await dueNow(cluster), load.devices, healedAt);
    const dup = duplicates(load.devices, from, Date.now());
    const writes = await writesStoredOnce(cluster, load);
    const errors = scanLogs(cluster.instances);
    const after = refusedSnapshot();
    const refused: Record<string, number> = {};
    for (const [k, n] of after) if (n - (before.get(k) ?? 0) > 0) refused[k] = n - (before.get(k) ?? 0);
    const { lostItems, ...rest } = figures;
    const result: FaultResult = {
      fault: name,
      outageMs: healedAt - injectedAt,
      ...rest,
      duplicated: dup.length,
      writesChecked: writes.checked,
      refused,
      broken: [...lostItems, ...dup, ...writes.failures, ...load.unanswered, ...errors]
        .slice(0, 10)
        .map((b) => b.slice(0, 300)),
    };
    results.push(result);
    console.log(`[faults] ${name}: ${JSON.stringify(result)}`);
    await expectNoRestart();
    // Soft: every invariant of every fault is judged and reported, not only the first broken one.
    expect.soft(lostItems.slice(0, 20), "due deliveries not made within 10 s of the heal").toEqual([]);
    expect.soft(dup.slice(0, 20), "deliveries after the device's ACK or result").toEqual([]);
    expect.soft(writes.failures.slice(0, 20), "2xx writes not stored exactly once").toEqual([]);
    expect.soft(load.unanswered, "writes never answered after the heal").toEqual([]);
    expect.soft(errors.slice(0, 20), "errors in the instances' logs").toEqual([]);
    return result;
  }

  /** Every instance not killed by the tests is the process it was, alive and ready. */
  async function expectNoRestart(): Promise<void> {
    for (const i of cluster.instances.filter((x) => !x.killed)) {
      expect(i.server.child.exitCode, `${i.name} exited`).toBeNull();
      expect(i.server.child.pid).toBe(i.pid);
      if (i.server.child.exitCode !== null) continue;
      const status = await fetch(`${i.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then(
        (r) => r.status,
        () => 0,
      );
      expect.soft(status, `${i.name} /readyz after the heal`).toBe(200);
    }
  }

  /** /readyz of `out` answered only 503 while PostgreSQL was out of its reach, then 200 again. */
  function expectReadyz(
    watched: { instance: Instance; seen: { at: number; status: number | "no answer" }[]; out: boolean }[],
    injectedAt: number,
    healedAt: number,
    result: FaultResult,
  ): void {
    result.readyz = {};
    for (const w of watched) {
      const during = w.seen.filter((s) => s.at > injectedAt + READYZ_GRACE_MS && s.at <= healedAt);
      const after = w.seen.filter((s) => s.at > healedAt);
      const back = after.find((s) => s.status === 200);
      result.readyz[w.instance.name] =
        `${during.map((s) => s.status).join(",")} | back ${back ? back.at - healedAt : "never"} ms`;
      if (w.out) {
        expect.soft(during.length, `${w.instance.name}: /readyz probed during the outage`).toBeGreaterThan(0);
        expect
          .soft(
            during.filter((s) => s.status !== 503),
            `${w.instance.name}: /readyz while PostgreSQL was out of reach`,
          )
          .toEqual([]);
        expect
          .soft(back && back.at - healedAt, `${w.instance.name}: /readyz 200 after the heal`)
          .toBeLessThan(READYZ_RECOVERY_MS);
      } else {
        expect
          .soft(
            w.seen.filter((s) => s.status !== 200),
            `${w.instance.name}: /readyz while it could reach PostgreSQL`,
          )
          .toEqual([]);
      }
    }
  }

  it("1. Redis restarted in the middle of a fan-out", async () => {
    await fault("Redis restarted mid fan-out", async () => {
      // Right after a publish: its approvals (and the devices' wake-ups) are on their way.
      const signals = () => load.written.filter((w) => w.kind === "signal").length;
      const published = signals();
      while (signals() === published) await sleep(20);
      const injectedAt = Date.now();
      await cluster.redis.kill();
      await sleep(2_000);
      await cluster.redis.start();
      return { injectedAt, healedAt: Date.now() };
    });
  });

  it(`2a. Redis unreachable for ${OUTAGE_MS / 1000} s from one instance`, async () => {
    await fault("Redis cut from one instance", async () => {
      const link = cluster.instances[0]!.redisLink;
      const injectedAt = Date.now();
      link.cut();
      await sleep(OUTAGE_MS);
      link.pass();
      return { injectedAt, healedAt: Date.now() };
    });
  });

  it(`2b. Redis unreachable for ${OUTAGE_MS / 1000} s from every instance`, async () => {
    await fault("Redis cut from all instances", async () => {
      const injectedAt = Date.now();
      for (const i of cluster.instances) i.redisLink.cut();
      await sleep(OUTAGE_MS);
      for (const i of cluster.instances) i.redisLink.pass();
      return { injectedAt, healedAt: Date.now() };
    });
  });

  it("3. PostgreSQL restarted under load", async () => {
    const watched = cluster.instances.map((instance) => ({ instance, out: true, ...watchReadyz(instance) }));
    let window = { injectedAt: 0, healedAt: 0 };
    const result = await fault("PostgreSQL restarted", async () => {
      const injectedAt = Date.now();
      cluster.postgres.halt();
      await sleep(PG_DOWN_MS);
      cluster.postgres.run();
      window = { injectedAt, healedAt: Date.now() };
      return window;
    }).finally(() => Promise.all(watched.map((w) => w.stop())));
    expectReadyz(watched, window.injectedAt, window.healedAt, result);
  });

  it(`4. one instance partitioned from Redis and PostgreSQL for ${PARTITION_MS / 1000} s`, async () => {
    const victim = cluster.instances[1]!;
    const watched = cluster.instances.map((instance) => ({
      instance,
      out: instance === victim,
      ...watchReadyz(instance),
    }));
    let window = { injectedAt: 0, healedAt: 0 };
    const result = await fault("one instance partitioned", async () => {
      const injectedAt = Date.now();
      victim.pgLink.cut();
      victim.redisLink.cut();
      await sleep(PARTITION_MS);
      victim.pgLink.pass();
      victim.redisLink.pass();
      window = { injectedAt, healedAt: Date.now() };
      return window;
    }).finally(() => Promise.all(watched.map((w) => w.stop())));
    expectReadyz(watched, window.injectedAt, window.healedAt, result);
  });

  it(`6. a slow database (200 ms per round trip) for ${OUTAGE_MS / 1000} s`, async () => {
    await fault("slow database", async () => {
      const injectedAt = Date.now();
      for (const i of cluster.instances) i.pgLink.slow(200);
      await sleep(OUTAGE_MS);
      for (const i of cluster.instances) i.pgLink.pass();
      return { injectedAt, healedAt: Date.now() };
    });
  });

  it("5. one instance SIGKILLed while devices are parked on it", async () => {
    const victim = cluster.instances[2]!;
    let parked = 0;
    await fault("one instance SIGKILLed", async () => {
      // Devices whose long poll has been parked on the victim for a moment.
      const parkedOnVictim = () =>
        load.devices.filter(
          (d) => d.parkedOn?.instance === victim.name && Date.now() - d.parkedOn.since > 300,
        );
      const until = Date.now() + 30_000;
      while (parkedOnVictim().length === 0 && Date.now() < until) await sleep(50);
      parked = parkedOnVictim().length;
      const injectedAt = Date.now();
      victim.killed = true;
      victim.server.child.kill("SIGKILL");
      await victim.server.exited;
      // Nothing to heal: the others carry on, and the devices that were parked move to them.
      return { injectedAt, healedAt: Date.now() };
    });
    expect(parked, "devices parked on the instance when it was killed").toBeGreaterThan(0);
    expect(victim.server.child.signalCode).toBe("SIGKILL");
  });
});
