import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { isConnectionLoss } from "../../db/errors";
import { AppError, CommonErrors } from "../errors";
import { errorHandler } from "./problem";

/**
 * A statement that fails because the database is out of reach (issue 19's fault suite: a
 * PostgreSQL restart answered every request in flight 500 "unexpected error") is a 503 the client
 * retries, logged as a warning.
 */

/** What node-postgres and Drizzle throw when the server goes away mid-request. */
const lostInQuery = () =>
  Object.assign(new Error("Failed query: select 1"), {
    cause: new Error("Connection terminated unexpectedly"),
  });
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
const adminShutdown = () =>
  Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });

/** An app with the single error handler whose log lines the test reads. */
function appLoggingLines() {
  const lines: { level: number; msg: string }[] = [];
  const app = Fastify({
    logger: {
      level: "info",
      stream: { write: (line: string) => lines.push(JSON.parse(line) as { level: number; msg: string }) },
    },
  });
  app.setErrorHandler(errorHandler);
  return { app, lines };
}

describe("a database out of reach", () => {
  it("is recognised through the wrappers, by message, socket code or SQLSTATE", () => {
    expect(isConnectionLoss(lostInQuery())).toBe(true);
    expect(isConnectionLoss(refused())).toBe(true);
    expect(isConnectionLoss(adminShutdown())).toBe(true);
    expect(isConnectionLoss(Object.assign(new Error("x"), { code: "08006" }))).toBe(true);
    expect(
      isConnectionLoss(new Error("Client has encountered a connection error and is not queryable")),
    ).toBe(true);
    // A failed statement on a live connection is the code's fault, not the network's.
    expect(isConnectionLoss(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isConnectionLoss(new TypeError("x is undefined"))).toBe(false);
  });

  it("answers 503 service.unavailable with Retry-After, logged as a warning; other errors stay a 500", async () => {
    const { app, lines } = appLoggingLines();
    app.get("/lost", async () => {
      throw lostInQuery();
    });
    app.get("/bug", async () => {
      throw new TypeError("x is undefined");
    });
    const lost = await app.inject({ method: "GET", url: "/lost" });
    expect(lost.statusCode).toBe(503);
    expect(lost.headers["retry-after"]).toBe("1");
    expect(lost.headers["content-type"]).toContain("application/problem+json");
    expect(lost.json()).toMatchObject({ status: 503, code: "service.unavailable" });
    expect(lines.filter((l) => l.msg === "database unreachable").map((l) => l.level)).toEqual([40]);
    const bug = await app.inject({ method: "GET", url: "/bug" });
    expect(bug.statusCode).toBe(500);
    expect(lines.filter((l) => l.msg === "unexpected error").map((l) => l.level)).toEqual([50]);
    await app.close();
  });

  it("a refusal that says 'retry shortly' (503: Redis away, overloaded) is a warning; another 5xx stays an error", async () => {
    const { app, lines } = appLoggingLines();
    app.get("/away", async () => {
      throw CommonErrors.unavailable("Replay protection is unreachable right now; retry shortly");
    });
    app.get("/broken", async () => {
      throw new AppError({ code: "service.broken", status: 502, title: "Bad gateway" });
    });
    expect((await app.inject({ method: "GET", url: "/away" })).statusCode).toBe(503);
    expect((await app.inject({ method: "GET", url: "/broken" })).statusCode).toBe(502);
    expect(lines.filter((l) => l.level >= 40).map((l) => [l.level, l.msg])).toEqual([
      [40, "request refused: service unavailable"],
      [50, "request failed"],
    ]);
    await app.close();
  });
});
