import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
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
