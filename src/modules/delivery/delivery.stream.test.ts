import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeliveryMessage } from "./delivery.bus";
import { IN_STEP_MS, inbox, MAX_BACKLOG, outbox, SILENT_AFTER_MS } from "./delivery.stream";

const logger = pino({ level: "silent" });
const ack = (d: string): DeliveryMessage => ({ k: "ack", s: "sig_1", d });
const envelope = (o: string, n: number, m: DeliveryMessage[] = []) => JSON.stringify({ o, n, m });

function receiving(instanceId = "me") {
  let now = 1_000_000;
  const messages: DeliveryMessage[] = [];
  const resyncs: string[] = [];
  const lost = vi.fn();
  const into = inbox({
    instanceId,
    onMessage: (m) => messages.push(m),
    onResync: (why) => resyncs.push(why),
    onLost: lost,
    logger,
    now: () => now,
  });
  return {
    into,
    messages,
    resyncs,
    lost,
    pass: (ms: number) => {
      now += ms;
    },
  };
}

describe("the receiving side of the delivery bus", () => {
  it("applies another instance's messages in order and asks for nothing more while none is missed", () => {
    const r = receiving();
    r.into.receive(envelope("other", 1, [ack("dev_1")]));
    r.into.receive(envelope("other", 2, [ack("dev_2"), ack("dev_3")]));
    r.into.receive(envelope("other", 2));
    expect(r.messages).toEqual([ack("dev_1"), ack("dev_2"), ack("dev_3")]);
    expect(r.resyncs).toEqual([]);
  });

  it("reloads when an envelope was missed (a gap in the sender's numbers)", () => {
    const r = receiving();
    r.into.receive(envelope("other", 1, [ack("dev_1")]));
    r.into.receive(envelope("other", 3, [ack("dev_3")]));
    expect(r.resyncs).toEqual(["a delivery message was missed"]);
    expect(r.messages).toEqual([ack("dev_1"), ack("dev_3")]);
  });

  it("reloads when a heartbeat names an envelope that never arrived (the last one before a quiet spell)", () => {
    const r = receiving();
    r.into.receive(envelope("other", 4, [ack("dev_1")]));
    r.into.receive(envelope("other", 4));
    expect(r.resyncs).toEqual([]);
    r.into.receive(envelope("other", 5));
    expect(r.resyncs).toEqual(["a delivery message was missed"]);
  });

  it("reloads once when another instance goes silent (killed or cut off), and again when it is heard", () => {
    const r = receiving();
    r.into.receive(envelope("other", 1, [ack("dev_1")]));
    r.into.receive(envelope("me", 0));
    r.pass(SILENT_AFTER_MS / 2);
    r.into.receive(envelope("me", 0));
    r.into.check();
    expect(r.resyncs).toEqual([]);
    r.pass(SILENT_AFTER_MS / 2 + 1);
    r.into.receive(envelope("me", 0));
    r.into.check();
    r.into.check();
    expect(r.resyncs).toEqual(["an instance went silent"]);
    r.into.receive(envelope("other", 1));
    expect(r.resyncs).toEqual(["an instance went silent", "an instance is heard again"]);
  });

  it("notices its own heartbeats no longer come back, asks the transport to reconnect, and reloads when they do", () => {
    const r = receiving();
    r.pass(SILENT_AFTER_MS + 1);
    r.into.check();
    r.into.check();
    expect(r.lost).toHaveBeenCalledTimes(1);
    expect(r.resyncs).toEqual([]);
    r.into.receive(envelope("me", 7));
    expect(r.resyncs).toEqual(["the bus answers again"]);
    r.into.receive(envelope("me", 8));
    expect(r.resyncs).toHaveLength(1);
  });

  it("is in step only while its own heartbeat and every other instance's were heard a moment ago", () => {
    const r = receiving();
    r.into.receive(envelope("me", 0));
    r.into.receive(envelope("other", 0));
    expect(r.into.connected()).toBe(true);
    // Another instance cut off (or killed): its ACKs may be missing here long before it is "silent".
    r.pass(IN_STEP_MS + 1);
    r.into.receive(envelope("me", 0));
    expect(r.into.connected()).toBe(false);
    r.into.receive(envelope("other", 0));
    expect(r.into.connected()).toBe(true);
    // Its own heartbeat late: this instance's subscription may be what is cut.
    r.pass(IN_STEP_MS + 1);
    r.into.receive(envelope("other", 0));
    expect(r.into.connected()).toBe(false);
  });

  it("ignores a malformed payload", () => {
    const r = receiving();
    r.into.receive("{not json");
    r.into.receive(undefined);
    expect(r.messages).toEqual([]);
    expect(r.resyncs).toEqual([]);
  });
});

describe("the sending side of the delivery bus", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function sending() {
    const sent: string[] = [];
    let up = true;
    const out = outbox({
      instanceId: "me",
      logger,
      send: async (payload) => {
        if (!up) throw new Error("connection is closed");
        sent.push(payload);
      },
    });
    const parsed = () => sent.map((p) => JSON.parse(p) as { n: number; m: DeliveryMessage[] });
    return {
      out,
      sent,
      parsed,
      setUp: (value: boolean) => {
        up = value;
      },
    };
  }

  it("sends messages published together as one numbered envelope", async () => {
    const s = sending();
    s.out.publish(ack("dev_1"));
    s.out.publish(ack("dev_2"));
    await vi.advanceTimersByTimeAsync(10);
    s.out.publish(ack("dev_3"));
    await vi.advanceTimersByTimeAsync(10);
    expect(s.parsed()).toEqual([
      { o: "me", n: 1, m: [ack("dev_1"), ack("dev_2")] },
      { o: "me", n: 2, m: [ack("dev_3")] },
    ]);
  });

  it("keeps what it could not send while the transport is away and sends it, in order, once it answers", async () => {
    const s = sending();
    s.setUp(false);
    s.out.publish(ack("dev_1"));
    await vi.advanceTimersByTimeAsync(10);
    s.out.publish(ack("dev_2"));
    await vi.advanceTimersByTimeAsync(10);
    s.out.heartbeat();
    await vi.advanceTimersByTimeAsync(10);
    expect(s.sent).toEqual([]);
    expect(s.out.backlog()).toBe(2);
    s.setUp(true);
    s.out.heartbeat();
    await vi.advanceTimersByTimeAsync(10);
    expect(s.parsed().map((e) => [e.n, e.m])).toEqual([
      [1, [ack("dev_1")]],
      [2, [ack("dev_2")]],
    ]);
    expect(s.out.backlog()).toBe(0);
    s.out.heartbeat();
    await vi.advanceTimersByTimeAsync(10);
    expect(s.parsed().at(-1)).toEqual({ o: "me", n: 2, m: [] });
  });

  it("past its bound drops the oldest envelopes, and a receiver sees the gap and reloads", async () => {
    const s = sending();
    s.setUp(false);
    for (let i = 0; i <= MAX_BACKLOG; i++) {
      s.out.publish(ack(`dev_${i}`));
      await vi.advanceTimersByTimeAsync(6);
    }
    expect(s.out.backlog()).toBe(MAX_BACKLOG);
    s.setUp(true);
    s.out.heartbeat();
    await vi.advanceTimersByTimeAsync(10);
    const r = receiving("other");
    r.into.receive(envelope("me", 0));
    for (const p of s.sent) r.into.receive(p);
    expect(s.parsed()[0]!.n).toBe(2);
    expect(r.resyncs).toEqual(["a delivery message was missed"]);
  });
});
