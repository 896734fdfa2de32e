import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Clock } from "../../shared/clock";
import { SIGNED_POLL_POLICY } from "../../shared/http/security-headers";
import type { Counter, Metrics } from "../../shared/metrics";
import type { NonceStore } from "../../shared/signing";
import { SignedRequestErrors } from "../devices/devices.errors";
import { HelloBody, HelloResponse } from "../devices/devices.schemas";
import type { DevicesService } from "../devices/devices.service";
import type { DeviceSettings } from "../devices/devices.settings";
import {
  createSignatureGuard,
  guardHook,
  keepSignedBodies,
  requireSigningHeaders,
} from "../devices/devices.signing";
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
  UpdateItemSchema,
  UpdateResultBody,
  UpdateResultSchema,
} from "../executions/executions.schemas";
import type { DeviceIdentity, ExecutionsService } from "../executions/executions.service";
import type { PollItem } from "./delivery.index";
import type { UpdateDelivery, UpdateItem } from "./delivery.positions";
import type { DeliveryService } from "./delivery.service";
import type { PollAnswer } from "./delivery.waiters";

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

const updatePrefixes = new WeakMap<UpdateItem, string>();
/** An update is the same for every holder but its broker ticket: the rest is serialised once. */
function updateJson({ item, brokerTicket }: UpdateDelivery): string {
  let prefix = updatePrefixes.get(item);
  if (prefix === undefined) {
    const json = JSON.stringify(UpdateItemSchema.parse({ ...item, brokerTicket: "" }));
    prefix = json.slice(0, json.lastIndexOf('"brokerTicket":') + '"brokerTicket":'.length);
    updatePrefixes.set(item, prefix);
  }
  return `${prefix}${JSON.stringify(brokerTicket)}}`;
}

const settingsSerialised = new WeakMap<DeviceSettings, string>();
/** A device's settings change rarely and go with every poll: serialised once per version. */
function settingsJson(settings: DeviceSettings): string {
  let json = settingsSerialised.get(settings);
  if (json === undefined) {
    json = JSON.stringify(settings);
    settingsSerialised.set(settings, json);
  }
  return json;
}

const emptyTails = new WeakMap<DeviceSettings, string>();
/**
 * Almost every poll answers nothing but the time and the settings: all of it but the time is
 * written once per settings version (a new version is a new settings object).
 */
function emptyTail(settings: DeviceSettings): string {
  let tail = emptyTails.get(settings);
  if (tail === undefined) {
    tail = `,"signals":[],"updates":[],"settings":${settingsJson(settings)}}`;
    emptyTails.set(settings, tail);
  }
  return tail;
}

/**
 * The poll answer's JSON (API.md §7.2, §10, §11), written by hand from parts serialised once: a
 * fan-out answers thousands of parked polls with the same signal in one tick, and generic
 * serialisation would dominate it. A new section of the answer is one more entry here (and in
 * `PollResponse`).
 */
export function pollBody(serverTime: string, answer: PollAnswer, settings: DeviceSettings): string {
  if (answer.signals.length === 0 && answer.updates.length === 0) {
    return `{"serverTime":"${serverTime}"${emptyTail(settings)}`;
  }
  return (
    `{"serverTime":"${serverTime}"` +
    `,"signals":[${answer.signals.map(itemJson).join(",")}]` +
    `,"updates":[${answer.updates.map(updateJson).join(",")}]` +
    `,"settings":${settingsJson(settings)}}`
  );
}

/**
 * The ACK and fill answers: the execution as `toExecutionView` builds it, field for field the
 * `Execution` schema, so it is written as it is. The schema's serializer parsed every answer with
 * zod first (2.2 % of the service's busy CPU under the fill load, docs/perf/fills.md); the schema
 * still documents the answer and the route tests check its fields.
 */
const executionAnswer = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

/** The signed device API (API.md §7.2, §10, §11): poll, hello, ACK, fill, error, update results, trades. */
export function deliveryRoutes(deps: {
  delivery: DeliveryService;
  executions: ExecutionsService;
  devices: Pick<DevicesService, "touch" | "hello">;
  nonces: NonceStore;
  clock: Clock;
  polls: Counter<"result">;
  metrics: Pick<Metrics, "gauge">;
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
    keepSignedBodies(app, "device");
    app.addHook("onRequest", guardHook(requireSigningHeaders({ idHeader: "x-device-id", onRejected })));
    const touch = (req: FastifyRequest) => deps.devices.touch(req.signerId!);
    app.addHook(
      "preValidation",
      guardHook((req) => {
        const verifying = verify(req);
        if (verifying) return verifying.then(() => touch(req));
        touch(req);
      }),
    );
    deps.metrics.gauge(
      "device_polls_waiting",
      "Long polls parked on this instance",
      () => delivery.stats().waiting,
    );
    // Parked polls answer at once when the server starts closing, so shutdown never waits 30 s.
    // (The delivery module itself is started and stopped by main.ts, with the other background work.)
    app.addHook("preClose", async () => delivery.releaseWaiters());

    /*
     * The signed empty poll is the hottest request this service answers (SPEC §Speed 1: ≥ 0.5 ×
     * a bare Fastify route). What it costs and what was taken off it, in % of the server's busy
     * CPU samples under `npm run bench -- --only poll` (docs/perf/poll-profile.md, issue 18):
     * - request logger: Fastify's pino child per request (with a redaction pass over its
     *   bindings) is made only when written to (shared/logger.ts): −2.9 %.
     * - HTTP metrics: counted in plain numbers per (method, route), handed to prom-client at
     *   scrape time (shared/metrics.ts): 2.5 → 1.0 % (the rest: device_polls_total below).
     * - hooks: the request-id, metrics and rate-limit hooks are callbacks, not async functions
     *   (a promise and a microtask each, per request), and the rate-limit hooks read the route
     *   config once (shared/http/rate-limits.ts, app.ts): microtasks 3.0 → 2.4 % (the first two).
     * - nonce store: swept once a minute, not on every request (shared/signing.ts): 2.1 → 1.5 %.
     * - answer: everything but the time is written once per settings version (`emptyTail`).
     * Second round (issue 18 item 1; busy time per poll 111 → 89 µs in the profile, bench ratio
     * 0.42 → 0.50 averaged over three back-to-back runs at load ~8-9):
     * - headers: the answer carries the API policy's CSP and nosniff (SIGNED_POLL_POLICY), not
     *   helmet's nine page headers: 17 → 8 response headers, 927 → 645 bytes on the wire.
     * - rate limit: counted in memory without a promise when there is no Redis
     *   (shared/http/rate-limit-window.ts): 3.9 → 1.5 %.
     * - signature: the signing-header check and the verification are callback hooks (`guardHook`)
     *   that answer at once when the secret (delivery index) and the nonce (memory store) are in
     *   memory: no promise, no microtask (runMicrotasks 2.3 → 1.5 %).
     * What remains: the socket write (~35 %, the kernel's), Node's HTTP parser and header writer
     * and Fastify (~30 %, a bare route pays them too), the HMAC (~3.5 %) and the nonce Map (~1.5 %).
     * Third round: the signed `wait=0` poll with nothing due is answered before Fastify routes it
     * (delivery.empty-poll.ts, same checks, counts and bytes as this route; the server's CPU per
     * answer 78 → 57 µs averaged over alternated runs); this route still answers every other
     * poll, and that one whenever the shortcut does not apply (Redis, request logs on, 401, 429).
     */
    app.get(
      POLL_URL,
      {
        helmet: SIGNED_POLL_POLICY,
        schema: {
          summary: "Wait for signals and updates",
          description:
            "A device's long poll (wait 0..30 s): approved open entries it has not ACKed, position updates for its fills, and its settings. Answers at once when something is due. 503 with Retry-After when too many polls are parked.",
          tags,
          querystring: PollQuery,
          response: { 200: PollResponse },
        },
      },
      async (req, reply) => {
        const device = deviceOf(req);
        const answer = await delivery.poll(device.id, req.query.wait * 1000, reply.raw).catch((err) => {
          deps.polls.inc({ result: "refused" });
          throw err;
        });
        const delivered = answer.signals.length > 0 || answer.updates.length > 0;
        deps.polls.inc({ result: delivered ? "delivered" : "empty" });
        // The settings are read when the answer is written: a poll parked before a change answers with it.
        const body = pollBody(clock.now().toISOString(), answer, delivery.settingsOf(device.id));
        return reply.type("application/json; charset=utf-8").send(body as never);
      },
    );

    app.post(
      "/api/v1/device/hello",
      {
        schema: {
          summary: "Report the trading account",
          description:
            "The device's MT5 account (login, server, currency, balance, leverage) and client version; answers its settings.",
          tags,
          body: HelloBody,
          response: { 200: HelloResponse },
        },
      },
      async (req) => ({ settings: await deps.devices.hello(deviceOf(req).id, req.body) }),
    );

    app.post(
      "/api/v1/device/ack",
      {
        ...executionAnswer,
        // A signed report's answer goes only to a valid signature, like the poll's: the same headers.
        helmet: SIGNED_POLL_POLICY,
        config: { problems: [404] },
        schema: {
          summary: "Acknowledge a signal",
          description:
            "The device took the entry: it is not sent again. 201 the first time, 200 with the same execution after. 404 when the owner did not approve it.",
          tags,
          body: AckBody,
          response: { 200: ExecutionSchema, 201: ExecutionSchema },
        },
      },
      async (req, reply) => {
        const { execution, created } = await executions.ack(deviceOf(req), req.body.signalId);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/fill",
      {
        ...executionAnswer,
        // As the ACK's: helmet's page headers were 3.8 % of the busy CPU under the fill load.
        helmet: SIGNED_POLL_POLICY,
        config: { problems: [404, 409] },
        schema: {
          summary: "Report a fill",
          description:
            "Price, volume and broker ticket of the opened position (implies the ACK). 201, or 200 for the same fill again; 409 for a different fill after a final result.",
          tags,
          body: FillBody,
          response: { 200: ExecutionSchema, 201: ExecutionSchema },
        },
      },
      async (req, reply) => {
        const { execution, created } = await executions.fill(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/error",
      {
        config: { problems: [404, 409] },
        schema: {
          summary: "Report a failed entry",
          description:
            "The terminal's error code and message. 201, or 200 for the same report again; 409 after a final result.",
          tags,
          body: ErrorBody,
          response: { 200: ExecutionSchema, 201: ExecutionSchema },
        },
      },
      async (req, reply) => {
        const { execution, created } = await executions.fail(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(execution);
      },
    );

    app.post(
      "/api/v1/device/update-result",
      {
        config: { problems: [404, 409] },
        schema: {
          summary: "Report an update's result",
          description:
            "Applied (with closed volume and price for closes) or failed. 201, or 200 for the same report; 409 executions.already_final for a different one after a final result; 404 for an update this device was not sent.",
          tags,
          body: UpdateResultBody,
          response: { 200: UpdateResultSchema, 201: UpdateResultSchema },
        },
      },
      async (req, reply) => {
        const { result, created } = await executions.reportUpdateResult(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(result);
      },
    );

    app.post(
      "/api/v1/device/trades",
      {
        config: { problems: [404, 409] },
        schema: {
          summary: "Report a closed trade",
          description:
            "A closed position of the account, bot or manual, for attribution and the track record. 201, or 200 for the same ticket again.",
          tags,
          body: TradeBody,
          response: { 200: TradeSchema, 201: TradeSchema },
        },
      },
      async (req, reply) => {
        const { trade, created } = await executions.reportTrade(deviceOf(req), req.body);
        return reply.code(created ? 201 : 200).send(trade);
      },
    );
  };
}
