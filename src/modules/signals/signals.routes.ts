import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Clock } from "../../shared/clock";
import { SECURITY, withSecurity } from "../../shared/http/openapi";
import type { NonceStore } from "../../shared/signing";
import { currentUser, type Guards } from "../auth/auth.guards";
import { createSignatureGuard, keepSignedBodies, requireSigningHeaders } from "../devices/devices.signing";
import type { ProducersService } from "../producers/producers.service";
import type { PositionsService } from "./signals.positions";
import {
  DecisionBody,
  DecisionSchema,
  ListQuery,
  PublishBody,
  SignalIdParams,
  SignalSchema,
  SignalUpdateSchema,
  UpdateBody,
} from "./signals.schemas";
import type { Publisher, SignalsService } from "./signals.service";

/** API.md §0: signal bodies are limited to 32 KiB (other routes take 64 KiB). */
export const SIGNAL_BODY_LIMIT = 32 * 1024;

const signedByProducer = (request: FastifyRequest) => request.headers["x-producer-id"] !== undefined;
const publisherOf = (req: FastifyRequest): Publisher =>
  req.signerId
    ? { kind: "producer", producerId: req.signerId }
    : { kind: "admin", userId: currentUser(req).id };

export function signalsRoutes(deps: {
  signals: SignalsService;
  positions: Pick<PositionsService, "update">;
  producers: Pick<ProducersService, "secretFor">;
  guards: Guards;
  nonces: NonceStore;
  clock: Clock;
}): FastifyPluginAsyncZod {
  const { signals, guards } = deps;
  const tags = ["signals"];
  const verifyProducer = createSignatureGuard({
    idHeader: "x-producer-id",
    lookupSecret: deps.producers.secretFor,
    nonces: deps.nonces,
    clock: deps.clock,
  });

  const producerHeaders = requireSigningHeaders({ idHeader: "x-producer-id" });

  return async (app) => {
    keepSignedBodies(app, "producer");

    // A producer signs the request (checked once the body bytes are read); anyone else must be an admin.
    const publishAuth = {
      onRequest: withSecurity(
        async (req: FastifyRequest, reply: FastifyReply) => {
          if (signedByProducer(req)) await producerHeaders(req);
          else await guards.requireAdmin(req, reply);
        },
        [...SECURITY.producer, ...SECURITY.user],
      ),
      preValidation: async (req: FastifyRequest) => {
        if (signedByProducer(req)) await verifyProducer(req);
      },
    };

    app.post(
      "/api/v1/signals",
      {
        ...publishAuth,
        bodyLimit: SIGNAL_BODY_LIMIT,
        config: { problems: [409] },
        schema: {
          summary: "Publish a signal",
          description:
            "An entry (instrument, side, order type, prices, volume, lifetime, minimum tier) sent to every subscriber whose plan includes signals at that tier. By an admin or a signing producer. The same externalId and body again answers 200 with the first signal; another body 409 signals.external_id_conflict.",
          tags,
          body: PublishBody,
          response: { 200: SignalSchema, 201: SignalSchema },
        },
      },
      async (req, reply) => {
        const { signal, created } = await signals.publish(publisherOf(req), req.body);
        return reply.code(created ? 201 : 200).send(signal);
      },
    );

    app.post(
      "/api/v1/signals/:id/updates",
      {
        ...publishAuth,
        bodyLimit: SIGNAL_BODY_LIMIT,
        config: { problems: [409] },
        schema: {
          summary: "Manage a signal's position",
          description:
            "Move stop loss or take profit, close part or all of the position (API \u00a710); delivered to every device that filled the entry. 409 when the signal is closed or cancelled, or an externalId is reused with another body.",
          tags,
          params: SignalIdParams,
          body: UpdateBody,
          response: { 200: SignalUpdateSchema, 201: SignalUpdateSchema },
        },
      },
      async (req, reply) => {
        const { update, created } = await deps.positions.update(publisherOf(req), req.params.id, req.body);
        return reply.code(created ? 201 : 200).send(update);
      },
    );

    app.get(
      "/api/v1/signals",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "Signals",
          description:
            "For a subscriber the signals addressed to them with their decision; for an admin every signal with recipient counts. Newest first, a page at a time.",
          tags,
          querystring: ListQuery,
          response: { 200: z.object({ items: z.array(SignalSchema), nextCursor: z.string().nullable() }) },
        },
      },
      (req) => signals.list(currentUser(req), req.query),
    );

    app.get(
      "/api/v1/signals/:id",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "One signal",
          description: "With its updates; only for its recipients and admins (else 404).",
          tags,
          params: SignalIdParams,
          response: { 200: SignalSchema },
        },
      },
      (req) => signals.get(currentUser(req), req.params.id),
    );

    app.post(
      "/api/v1/signals/:id/decision",
      {
        onRequest: guards.requireUser,
        config: { problems: [409] },
        schema: {
          summary: "Approve or reject a signal",
          description:
            "A recipient's decision, once (409 signals.already_decided), before it expires (409 signals.expired). Approved signals reach the recipient's devices.",
          tags,
          params: SignalIdParams,
          body: DecisionBody,
          response: { 201: DecisionSchema },
        },
      },
      async (req, reply) => {
        const result = await signals.decide(currentUser(req).id, req.params.id, req.body.decision);
        return reply.code(201).send(result);
      },
    );

    app.post(
      "/api/v1/signals/:id/cancel",
      {
        onRequest: guards.requireAdmin,
        config: { problems: [409] },
        schema: {
          summary: "Cancel a signal",
          description: "Devices that have not taken it stop seeing it. 409 when it already ended.",
          tags: ["admin: signals"],
          params: SignalIdParams,
          response: { 200: SignalSchema },
        },
      },
      (req) => signals.cancel(currentUser(req).id, req.params.id),
    );
  };
}
