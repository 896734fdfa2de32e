import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type Counter, Gauge } from "prom-client";
import type { Clock } from "../../shared/clock";
import type { Metrics } from "../../shared/metrics";
import type { NonceStore } from "../../shared/signing";
import { SignedRequestErrors } from "../devices/devices.errors";
import type { DevicesService } from "../devices/devices.service";
import { createSignatureGuard, keepSignedBodies, requireSigningHeaders } from "../devices/devices.signing";
import {
  AckBody,
  ErrorBody,
  ExecutionSchema,
  FillBody,
  PollItemSchema,
  PollQuery,
  PollResponse,
  TradeBody,
  TradeSchema,
} from "../executions/executions.schemas";
import type { DeviceIdentity, ExecutionsService } from "../executions/executions.service";
import type { PollItem } from "./delivery.index";
import type { DeliveryService } from "./delivery.service";

const POLL_URL = "/api/v1/device/poll";

const serialised = new WeakMap<PollItem, string>();
/** Index items are shared by every device they go to, so each is serialised once. */
function itemJson(item: PollItem): string {
  let json = serialised.get(item);
  if (json === undefined) {
    json = JSON.stringify(PollItemSchema.parse(item));
    serialised.set(item, json);
  }
  return json;
}

/** The signed device API (API.md §7.2): poll, ACK, fill, error, trades. */
export function deliveryRoutes(deps: {
  delivery: DeliveryService;
  executions: ExecutionsService;
  devices: Pick<DevicesService, "touch">;
  nonces: NonceStore;
  clock: Clock;
  polls: Counter<"result">;
  metrics: Pick<Metrics, "registry">;
}): FastifyPluginAsyncZod {
  const { delivery, executions, clock } = deps;
  const onRejected = (req: FastifyRequest) => {
    if (req.routeOptions.url === POLL_URL) deps.polls.inc({ result: "rejected" });
  };
  const verify = createSignatureGuard({
    idHeader: "x-device-id",
    lookupSecret: delivery.lookupSecret,
    nonces: deps.nonces,
    clock,
    onRejected,
  });
  const deviceOf = (req: FastifyRequest): DeviceIdentity => {
    const device = delivery.deviceOf(req.signerId!);
    // Revoked between the signature check and here: treat it like any rejected signature.
    if (!device) throw SignedRequestErrors.rejected();
    return device;
  };
  const tags = ["device (signed)"];

  return async (app) => {
    keepSignedBodies(app);
    app.addHook("onRequest", requireSigningHeaders({ idHeader: "x-device-id", onRejected }));
    app.addHook("preValidation", async (req) => {
      await verify(req);
      deps.devices.touch(req.signerId!);
    });
    new Gauge({
      name: "device_polls_waiting",
      help: "Long polls parked on this instance",
      registers: [deps.metrics.registry],
      collect() {
        this.set(delivery.stats().waiting);
      },
    });
    // Parked polls answer at once when the server starts closing, so shutdown never waits 30 s.
    // (The delivery module itself is started and stopped by main.ts, with the other background work.)
    app.addHook("preClose", async () => delivery.releaseWaiters());

    app.get(
      POLL_URL,
      { schema: { tags, querystring: PollQuery, response: { 200: PollResponse } } },
      async (req, reply) => {
        const device = deviceOf(req);
        const signals = await delivery.poll(device.id, req.query.wait * 1000, reply.raw);
        deps.polls.inc({ result: signals.length > 0 ? "delivered" : "empty" });
        // Written by hand from per-signal JSON made once: a fan-out answers thousands of parked
        // polls with the same signal in one tick, and generic serialisation would dominate it.
        const body = `{"serverTime":"${clock.now().toISOString()}","signals":[${signals.map(itemJson).join(",")}]}`;
        return reply.type("application/json; charset=utf-8").send(body as never);
      },
    );

    app.post(
      "/api/v1/device/ack",
      { schema: { tags, body: AckBody, response: { 200: ExecutionSchema, 201: ExecutionSchema } } },
      async (req, reply) => {
        const { execution, created } = await executions.ack(deviceOf(req), req.body.signalId);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/fill",
      { schema: { tags, body: FillBody, response: { 200: ExecutionSchema, 201: ExecutionSchema } } },
      async (req, reply) => {
        const { execution, created } = await executions.fill(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/error",
      { schema: { tags, body: ErrorBody, response: { 200: ExecutionSchema, 201: ExecutionSchema } } },
      async (req, reply) => {
        const { execution, created } = await executions.fail(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/trades",
      { schema: { tags, body: TradeBody, response: { 200: TradeSchema, 201: TradeSchema } } },
      async (req, reply) => {
        const { trade, created } = await executions.reportTrade(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(trade);
      },
    );
  };
}
