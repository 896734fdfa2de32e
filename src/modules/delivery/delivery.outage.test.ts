import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app";
import { resetDatabase, testDatabase } from "../../../test/support/db";
import { createDeviceOwner, createUser } from "../../../test/support/factories";
import { signedInject } from "../../../test/support/signed";
import { tcpCut } from "../../../test/support/tcp-cut";

const BUY = { instrument: "EURUSD", side: "buy", orderType: "market" };

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Two instances on one PostgreSQL and one Redis; the first reaches Redis through a relay the test
// cuts, as a partition between that instance and Redis would (only when the run has both servers).
describe.runIf(!!process.env.TEST_DATABASE_URL && !!process.env.TEST_REDIS_URL)(
  "delivery across instances when one loses Redis",
  () => {
    let relay: Awaited<ReturnType<typeof tcpCut>>;
    let cutOff: TestApp | undefined;
    let other: TestApp | undefined;
    beforeAll(async () => {
      const target = new URL(process.env.TEST_REDIS_URL!);
      relay = await tcpCut({ host: target.hostname, port: Number(target.port || 6379) });
    });
    afterAll(() => relay.close());
    afterEach(async () => {
      relay.heal();
      await cutOff?.close();
      await other?.close();
    });

    it("an approval committed on an instance cut off from Redis reaches a device on the other within 10 s of the heal", async () => {
      await resetDatabase(await testDatabase());
      const env = { RATE_LIMIT_IP_PER_MINUTE: "100000", REDIS_KEY_PREFIX: `sd:test:${randomUUID()}:` };
      cutOff = await createTestApp({
        env: { ...env, REDIS_URL: relay.through(process.env.TEST_REDIS_URL!) },
      });
      other = await createTestApp({ env: { ...env, REDIS_URL: process.env.TEST_REDIS_URL } });
      const owner = await createDeviceOwner(cutOff.deps, "vip");
      const { headers } = await createUser(cutOff.deps, { admin: true });
      const signalId = (
        await cutOff.app.inject({ method: "POST", url: "/api/v1/signals", headers, payload: BUY })
      ).json().id as string;
      const pending = async () => {
        const res = await signedInject(other!.app, other!.clock, owner.signer, {
          method: "GET",
          url: "/api/v1/device/poll",
        });
        expect(res.statusCode).toBe(200);
        return (res.json().signals as { signalId: string }[]).map((s) => s.signalId);
      };
      expect(await pending()).toEqual([]);

      relay.cut();
      // The decision is stored (PostgreSQL answers); telling the other instance fails for now.
      await cutOff.deps.signals.decide(owner.user.id, signalId, "approve");
      await cutOff.deps.events.settled();
      await new Promise((r) => setTimeout(r, 500));
      relay.heal();
      await eventually(async () => (await pending()).includes(signalId), 10_000);
    });
  },
);
