import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { Deps } from "../../src/deps";
import type { Level } from "../../src/modules/users/users.models";
import type { Clock } from "../../src/shared/clock";
import { type IdHeader, signedHeaders } from "../../src/shared/signing";
import type { TestApp } from "./app";
import { createUser } from "./factories";

export interface Signer {
  id: string;
  secret: string;
  idHeader?: IdHeader;
}

export interface SignedCall {
  method: "GET" | "POST";
  url: string;
  /** Sent byte for byte as given (a string), or serialised once (an object). */
  body?: unknown;
  /** Moves the signing time away from the app's clock (seconds). */
  skewSeconds?: number;
  nonce?: string;
  headers?: Record<string, string>;
}

/** The headers and exact body bytes of a signed request, as a device or producer would send them. */
export function signRequestFor(signer: Signer, call: SignedCall, clock: Clock) {
  const body =
    call.body === undefined ? "" : typeof call.body === "string" ? call.body : JSON.stringify(call.body);
  const now = new Date(clock.now().getTime() + (call.skewSeconds ?? 0) * 1000);
  const headers = signedHeaders(signer.secret, {
    id: signer.id,
    idHeader: signer.idHeader ?? "x-device-id",
    method: call.method,
    pathWithQuery: call.url,
    body,
    now,
    nonce: call.nonce,
  });
  return {
    body,
    headers: {
      ...headers,
      ...(call.body === undefined ? {} : { "content-type": "application/json; charset=utf-8" }),
      ...call.headers,
    },
  };
}

/** Sends a signed request through app.inject. */
export function signedInject(
  app: FastifyInstance,
  clock: Clock,
  signer: Signer,
  call: SignedCall,
): Promise<LightMyRequestResponse> {
  const { body, headers } = signRequestFor(signer, call, clock);
  return app.inject({
    method: call.method,
    url: call.url,
    headers,
    ...(call.body === undefined ? {} : { payload: body }),
  });
}

const seeded = new WeakSet<Deps>();

/** The id of the default catalog's tier at `level`, seeding the catalog on first use. */
export async function tierId(deps: Deps, level: Exclude<Level, "free">): Promise<string> {
  if (!seeded.has(deps)) {
    await deps.catalog.seedDefaultCatalog();
    seeded.add(deps);
  }
  const view = await deps.catalog.view();
  const tier = view.categories
    .flatMap((c) => c.products.flatMap((p) => p.tiers))
    .find((t) => t.level === level);
  if (!tier) throw new Error(`no ${level} tier in the default catalog`);
  return tier.id;
}

/** A user holding `level` for 30 days (free: nothing granted), optionally with auto-approve on. */
export async function createSubscriber(
  deps: Deps,
  level: Level,
  opts: { autoApprove?: boolean; admin?: boolean } = {},
) {
  const created = await createUser(deps, { admin: opts.admin });
  if (level !== "free") {
    await deps.entitlements.adminGrant(
      { id: "usr_test_admin" },
      created.user.id,
      await tierId(deps, level),
      30,
    );
  }
  if (opts.autoApprove) await deps.users.updateProfile(created.user.id, { autoApprove: true });
  return created;
}

/** A subscriber with one registered device and its secret. */
export async function createDeviceOwner(
  deps: Deps,
  level: Level = "vip",
  opts: { autoApprove?: boolean; deviceName?: string } = {},
) {
  const owner = await createSubscriber(deps, level, opts);
  const { device, secret } = await deps.devices.register(owner.user.id, opts.deviceName ?? "terminal");
  return { ...owner, device, signer: { id: device.id, secret } satisfies Signer };
}

/** The device-delivery calls the relay tests make: signed polls and ACKs, admin publish, approval. */
export function deliveryCalls(ctx: () => TestApp, defaultSignal: object) {
  const poll = (signer: Signer, wait = 0) =>
    signedInject(ctx().app, ctx().clock, signer, { method: "GET", url: `/api/v1/device/poll?wait=${wait}` });
  return {
    poll,
    async signalsOf(signer: Signer, wait = 0) {
      const res = await poll(signer, wait);
      expect(res.statusCode).toBe(200);
      return (res.json().signals as { signalId: string }[]).map((s) => s.signalId);
    },
    async publish(payload: object = defaultSignal) {
      const { headers } = await createUser(ctx().deps, { admin: true });
      const res = await ctx().app.inject({ method: "POST", url: "/api/v1/signals", headers, payload });
      expect(res.statusCode).toBe(201);
      return res.json() as { id: string };
    },
    approve: (headers: Record<string, string>, id: string) =>
      ctx().app.inject({
        method: "POST",
        url: `/api/v1/signals/${id}/decision`,
        headers,
        payload: { decision: "approve" },
      }),
    ack: (signer: Signer, signalId: string) =>
      signedInject(ctx().app, ctx().clock, signer, {
        method: "POST",
        url: "/api/v1/device/ack",
        body: { signalId },
      }),
  };
}
