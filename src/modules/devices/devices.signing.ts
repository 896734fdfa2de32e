import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../shared/clock";
import { isCounting } from "../../shared/http/signed-admission";
import { type IdHeader, type NonceStore, type SignatureCheck, verifySignature } from "../../shared/signing";
import { SignedRequestErrors } from "./devices.errors";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The route verifies device or producer signatures (the rate limits trust its id headers). */
    signed?: boolean;
  }
  interface FastifyRequest {
    /** The exact body bytes, kept only in scopes that verify signatures. */
    signedBody?: Buffer;
    /** The device or producer id a verified signature belongs to. */
    signerId?: string;
  }
}

/**
 * In this plugin scope, JSON bodies are read as bytes and kept for the signature's body hash,
 * then parsed by Fastify's own JSON parser (with its prototype-poisoning protection).
 */
export function keepSignedBodies(app: FastifyInstance, signer: "device" | "producer"): void {
  const parseJson = app.getDefaultJsonParser("error", "ignore");
  // JSON is the only body a signed route takes (API §0). Fastify's own text/plain parser would
  // hand over a body without its bytes, and the signature would then be checked against an
  // empty body: with JSON as the only parser, any other type is a 415 before anything is verified.
  app.removeAllContentTypeParsers();
  // Marks the scope's routes as signed: only here is an X-Device-Id / X-Producer-Id a credential.
  app.addHook("onRoute", (route) => {
    route.config = { ...route.config, signed: true, signer };
  });
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    const bytes = body as Buffer;
    request.signedBody = bytes;
    parseJson(request, bytes.toString("utf8"), done);
  });
}

export interface SignatureGuardOptions {
  idHeader: IdHeader;
  /** The current secret for an id, or null when it is unknown or revoked (at once when it can). */
  lookupSecret: (id: string) => string | null | Promise<string | null>;
  nonces: NonceStore;
  clock: Clock;
  onRejected?: (request: FastifyRequest) => void;
}

/** A guard: throws (or rejects with) the 401 to answer; returns a promise only when it must wait. */
export type SignedRequestGuard = (request: FastifyRequest) => void | Promise<void>;

/**
 * The one check every signed route runs (devices and producers alike). It is a preValidation
 * hook: the body is parsed by then, and an unsigned caller learns nothing from validation errors.
 * It answers at once when the secret and the nonce are in memory (the signed poll's path).
 */
export function createSignatureGuard(opts: SignatureGuardOptions): SignedRequestGuard {
  const settle = (request: FastifyRequest, check: SignatureCheck): void => {
    if (check.ok) {
      request.signerId = check.id;
      return;
    }
    const claimed = request.headers[opts.idHeader];
    // The reason goes to the log only: the response is the same for every failure.
    request.log.warn(
      { reason: check.reason, signer: typeof claimed === "string" ? claimed.slice(0, 64) : undefined },
      "signed request rejected",
    );
    opts.onRejected?.(request);
    throw SignedRequestErrors.rejected();
  };
  return function verifySignedRequest(request) {
    const check = verifySignature({
      idHeader: opts.idHeader,
      headers: request.headers,
      method: request.method,
      pathWithQuery: request.url,
      body: request.signedBody ?? "",
      lookupSecret: opts.lookupSecret,
      clock: opts.clock,
      // With Redis, spending the nonce also counts the request's rate limit (one call, not two).
      nonces: isCounting(opts.nonces) ? opts.nonces.forRequest(request) : opts.nonces,
    });
    if (check instanceof Promise) return check.then((settled) => settle(request, settled));
    settle(request, check);
  };
}

const isPresent = (value: unknown) => typeof value === "string" && value !== "";

/**
 * An onRequest hook for signed scopes: a request without the signing headers is refused before
 * its body is read, so an unsigned caller gets 401 whatever it sends (never 415 or 413 first).
 * The full check still runs once the body bytes are in.
 */
export function requireSigningHeaders(
  opts: Pick<SignatureGuardOptions, "idHeader" | "onRejected">,
): SignedRequestGuard {
  const names = [opts.idHeader, "x-timestamp", "x-nonce", "x-signature"];
  return function refuseUnsigned(request) {
    if (names.every((name) => isPresent(request.headers[name]))) return;
    const missing = names.filter((name) => !isPresent(request.headers[name]));
    request.log.warn({ reason: "missing_header", missing }, "signed request rejected");
    opts.onRejected?.(request);
    throw SignedRequestErrors.rejected();
  };
}

/**
 * A guard as a callback hook: Fastify answers a thrown error like a rejected one, and a guard
 * that answers at once costs no promise and no microtask (an async hook costs both, per request).
 */
export function guardHook(guard: SignedRequestGuard) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    const pending = guard(request);
    if (pending === undefined) done();
    else pending.then(() => done(), done);
  };
}
