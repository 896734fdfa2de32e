import type { Cluster, Instance } from "./cluster";
import type { FaultDevice, Receipt } from "./devices";
import type { Load } from "./load";

/** The invariants of issue 19, judged from the database (read past the proxies) and the devices' logs. */

/** How long after the heal (or after it became due, when later) a delivery may take. */
export const DELIVERY_DEADLINE_MS = 10_000;

export interface DueItem {
  deviceId: string;
  kind: "entry" | "update";
  id: string;
  /** When it became due (epoch ms): the approval, or the later of the update and the fill. */
  dueFrom: number;
}

/** Every entry and update each device is due now, from the tables. */
export async function dueNow(cluster: Cluster): Promise<DueItem[]> {
  const entries = await cluster.sql<{ signal_id: string; device_id: string; at: number }>(
    `select r.signal_id, d.id as device_id, (extract(epoch from r.decided_at) * 1000)::float8 as at
       from signals s
       join signal_recipients r on r.signal_id = s.id and r.decision = 'approved'
       join devices d on d.user_id = r.user_id and d.revoked_at is null
      where s.cancelled_at is null and s.position_status = 'open' and s.expires_at > now()`,
  );
  const updates = await cluster.sql<{ id: string; device_id: string; at: number }>(
    `select u.id, e.device_id,
            (extract(epoch from greatest(u.created_at, e.filled_at)) * 1000)::float8 as at
       from signal_updates u
       join executions e on e.signal_id = u.signal_id and e.status = 'filled'`,
  );
  return [
    ...entries.map((r) => ({
      deviceId: r.device_id,
      kind: "entry" as const,
      id: r.signal_id,
      dueFrom: r.at,
    })),
    ...updates.map((r) => ({ deviceId: r.device_id, kind: "update" as const, id: r.id, dueFrom: r.at })),
  ];
}

/** device id → item id → when the device first received it. */
export function firstReceipts(devices: FaultDevice[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const d of devices) {
    const mine = new Map<string, number>();
    for (const r of d.receipts) if (!mine.has(r.id)) mine.set(r.id, r.at);
    out.set(d.id, mine);
  }
  return out;
}

export interface DeliveryFigures {
  due: number;
  /** Heal → the last due delivery (0 when everything due had arrived before the heal). */
  recoverMs: number;
  /**
   * The longest any due item waited past the later of the heal and its due time: what the 10 s
   * rule judges, so its margin. (recoverMs also counts items that fell due well after the heal.)
   */
  slowestMs: number;
  /** Due before the heal, delivered after it. */
  late: number;
  /** Not delivered within DELIVERY_DEADLINE_MS of the heal (or of becoming due, if later). */
  lost: number;
  /** Never delivered at all while the check waited. */
  missing: number;
  lostItems: string[];
}

export function deliveryFigures(due: DueItem[], devices: FaultDevice[], healAt: number): DeliveryFigures {
  const receipts = firstReceipts(devices);
  let recoverMs = 0;
  let slowestMs = 0;
  let late = 0;
  let missing = 0;
  const lostItems: string[] = [];
  for (const item of due) {
    const at = receipts.get(item.deviceId)?.get(item.id);
    const deadline = Math.max(healAt, item.dueFrom) + DELIVERY_DEADLINE_MS;
    if (at === undefined) missing++;
    if (at === undefined || at > deadline) {
      lostItems.push(
        `${item.kind} ${item.id} → device ${item.deviceId}: due ${new Date(item.dueFrom).toISOString()}, ` +
          (at === undefined ? "never received" : `received ${at - healAt} ms after the heal`),
      );
    }
    if (at !== undefined) slowestMs = Math.max(slowestMs, at - Math.max(healAt, item.dueFrom));
    if (at !== undefined && at > healAt) {
      recoverMs = Math.max(recoverMs, at - healAt);
      if (item.dueFrom < healAt) late++;
    }
  }
  return { due: due.length, recoverMs, slowestMs, late, lost: lostItems.length, missing, lostItems };
}

/** Whether everything due has reached its device. */
export function allDelivered(due: DueItem[], devices: FaultDevice[]): boolean {
  const receipts = firstReceipts(devices);
  return due.every((item) => receipts.get(item.deviceId)?.has(item.id));
}

/**
 * Entries a device received in a poll sent after its ACK (or fill) of that entry was answered
 * 2xx, and updates received after their result was answered 2xx: one line per (device, item)
 * whose first such delivery fell within [from, to], with how often it came back in all. A
 * duplicate that goes on into a later fault is counted in the fault where it began.
 */
export function duplicates(devices: FaultDevice[], from: number, to: number): string[] {
  const out: string[] = [];
  for (const d of devices) {
    const again = new Map<string, Receipt[]>();
    for (const r of d.receipts) {
      const doneAt = r.kind === "entry" ? d.ackedAt.get(r.id) : d.settledAt.get(r.id);
      if (doneAt !== undefined && r.sentAt > doneAt) again.set(r.id, [...(again.get(r.id) ?? []), r]);
    }
    for (const [id, receipts] of again) {
      const first = receipts[0]!;
      if (first.at < from || first.at > to) continue;
      const doneAt = (first.kind === "entry" ? d.ackedAt.get(id) : d.settledAt.get(id))!;
      const instances = [...new Set(receipts.map((r) => r.instance))].join("+");
      out.push(
        `${first.kind} ${id} → device ${d.id}: from ${instances} ${receipts.length}× (first polled ${first.sentAt - doneAt} ms, last ${receipts.at(-1)!.sentAt - doneAt} ms after its ${first.kind === "entry" ? "ACK" : "result"} was answered)`,
      );
    }
  }
  return out;
}

/** Every write answered 2xx is in the database exactly once; returns what is not. */
export async function writesStoredOnce(
  cluster: Cluster,
  load: Load,
): Promise<{ checked: number; failures: string[] }> {
  const failures: string[] = [];
  let checked = 0;
  const count = async (q: string, params: unknown[]) => (await cluster.sql<{ n: number }>(q, params))[0]!.n;
  for (const w of load.written) {
    checked++;
    if (w.kind === "signal") {
      const n = await count("select count(*)::int as n from signals where external_id = $1 and id = $2", [
        w.key,
        w.body.id,
      ]);
      if (n !== 1) failures.push(`signal ${w.key}: ${n} rows`);
    } else if (w.kind === "approval" && w.status === 201) {
      const [signalId, userId] = w.key.split("|");
      const n = await count(
        "select count(*)::int as n from signal_recipients where signal_id = $1 and user_id = $2 and decision = 'approved'",
        [signalId, userId],
      );
      if (n !== 1) failures.push(`approval ${w.key}: ${n} approved rows`);
    } else if (w.kind === "update") {
      const n = await count("select count(*)::int as n from signal_updates where external_id = $1", [w.key]);
      if (n !== 1) failures.push(`update ${w.key}: ${n} rows`);
    } else if (w.kind === "order") {
      const n = await count("select count(*)::int as n from orders where id = $1", [w.body.id]);
      if (n !== 1) failures.push(`order ${w.key}: ${n} rows`);
    } else if (w.kind === "webhook") {
      const [orderId, eventId] = w.key.split("|");
      const periods = await count("select count(*)::int as n from entitlements where order_id = $1", [
        orderId,
      ]);
      const events = await count("select count(*)::int as n from stripe_events where id = $1", [eventId]);
      const paid = await count("select count(*)::int as n from orders where id = $1 and status = 'paid'", [
        orderId,
      ]);
      if (periods !== 1 || events !== 1 || paid !== 1)
        failures.push(`webhook ${w.key}: ${periods} periods, ${events} events, paid ${paid}`);
    }
  }
  // One order per Idempotency-Key: retries of a key never made a second order.
  const orderKeys = load.written.filter((w) => w.kind === "order").length;
  const orders = await count("select count(*)::int as n from orders where user_id = any($1)", [
    load.users.map((u) => u.userId),
  ]);
  if (orders !== orderKeys) failures.push(`${orders} orders stored for ${orderKeys} order keys`);
  for (const d of load.devices) {
    for (const signalId of d.filled) {
      checked++;
      const n = await count(
        "select count(*)::int as n from executions where signal_id = $1 and device_id = $2 and status = 'filled'",
        [signalId, d.id],
      );
      if (n !== 1) failures.push(`fill ${signalId} by ${d.id}: ${n} filled executions`);
    }
    for (const updateId of d.settledAt.keys()) {
      checked++;
      const n = await count(
        "select count(*)::int as n from update_results where update_id = $1 and device_id = $2",
        [updateId, d.id],
      );
      if (n !== 1) failures.push(`update result ${updateId} by ${d.id}: ${n} rows`);
    }
  }
  return { checked, failures };
}

/** /readyz of one instance, every 500 ms until stopped: what it answered, and when. */
export function watchReadyz(instance: Instance) {
  const seen: { at: number; status: number | "no answer" }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const status = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(3_000) }).then(
        (r) => r.status,
        () => "no answer" as const,
      );
      seen.push({ at: Date.now(), status });
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    seen,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Log lines at error level or above, or naming an uncaught or unhandled error, since the last scan. */
export function scanLogs(instances: Instance[]): string[] {
  const out: string[] = [];
  for (const i of instances) {
    const text = i.server.output();
    const fresh = text.slice(i.scanned);
    const end = fresh.lastIndexOf("\n") + 1;
    i.scanned += end;
    for (const line of fresh.slice(0, end).split("\n")) {
      if (!line.trim()) continue;
      let level = 0;
      try {
        level = Number((JSON.parse(line) as { level?: number }).level ?? 0);
      } catch {
        // Not pino JSON (a Node warning, a crash trace): judged by its words.
      }
      if (level >= 50 || /uncaught|unhandled/i.test(line)) out.push(`${i.name}: ${line.slice(0, 400)}`);
    }
  }
  return out;
}
