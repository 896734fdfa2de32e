import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Clock } from "../../shared/clock";
import { type IdHeader, type NonceStore, verifySignature } from "../../shared/signing";
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
  /** The current secret for an id, or null when it is unknown or revoked. */
  lookupSecret: (id: string) => Promise<string | null>;
  nonces: NonceStore;
  clock: Clock;
  onRejected?: (request: FastifyRequest) => void;
}

/**
 * The one check every signed route runs (devices and producers alike). It is a preValidation
 * hook: the body is parsed by then, and an unsigned caller learns nothing from validation errors.
 */
export function createSignatureGuard(opts: SignatureGuardOptions) {
  return async function verifySignedRequest(request: FastifyRequest): Promise<void> {
    const check = await verifySignature({
      idHeader: opts.idHeader,
      headers: request.headers,
      method: request.method,
      pathWithQuery: request.url,
      body: request.signedBody ?? "",
      lookupSecret: opts.lookupSecret,
      clock: opts.clock,
      nonces: opts.nonces,
    });
    if (!check.ok) {
      const claimed = request.headers[opts.idHeader];
      // The reason goes to the log only: the response is the same for every failure.
      request.log.warn(
        { reason: check.reason, signer: typeof claimed === "string" ? claimed.slice(0, 64) : undefined },
        "signed request rejected",
      );
      opts.onRejected?.(request);
      throw SignedRequestErrors.rejected();
    }
    request.signerId = check.id;
  };
}

/**
 * An onRequest hook for signed scopes: a request without the signing headers is refused before
 * its body is read, so an unsigned caller gets 401 whatever it sends (never 415 or 413 first).
 * The full check still runs once the body bytes are in.
 */
export function requireSigningHeaders(opts: Pick<SignatureGuardOptions, "idHeader" | "onRejected">) {
  const names = [opts.idHeader, "x-timestamp", "x-nonce", "x-signature"];
  return async function refuseUnsigned(request: FastifyRequest): Promise<void> {
    const missing = names.filter((name) => {
      const value = request.headers[name];
      return typeof value !== "string" || value === "";
    });
    if (missing.length === 0) return;
    request.log.warn({ reason: "missing_header", missing }, "signed request rejected");
    opts.onRejected?.(request);
    throw SignedRequestErrors.rejected();
  };
}
