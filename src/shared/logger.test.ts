import { describe, expect, it, vi } from "vitest";
import { createLogger, LazyRequestLogger, requestLoggerFactory } from "./logger";

describe("log redaction", () => {
  it("never writes authorization headers, secrets, tokens, signatures or initData", () => {
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => lines.push(line) });
    logger.info(
      {
        req: { headers: { authorization: "Bearer eyJSECRET", "x-signature": "abcdef0123" } },
        initData: "user=1&hash=deadbeef",
        device: { secret: "dev-secret-value", id: "dev_1" },
        accessToken: "eyJTOKEN",
        stripe: { secretKey: "sk_test_123", webhookSecret: "whsec_456" },
      },
      "something happened",
    );
    const out = lines.join("\n");
    for (const leaked of [
      "eyJSECRET",
      "abcdef0123",
      "deadbeef",
      "dev-secret-value",
      "eyJTOKEN",
      "sk_test_123",
      "whsec_456",
    ]) {
      expect(out).not.toContain(leaked);
    }
    expect(out).toContain("dev_1");
    expect(out).toContain("[redacted]");
  });
});

describe("the request logger (pino's child, made only when written to)", () => {
  const sink = () => {
    const lines: string[] = [];
    return { lines, stream: { write: (line: string) => lines.push(line) } };
  };
  const withoutTime = (line: string) => ({ ...JSON.parse(line), time: undefined });

  it("writes the very line pino's child would, request id and redaction included", () => {
    const out = sink();
    const parent = createLogger("info", out.stream);
    const lazy = requestLoggerFactory(parent, { reqId: "req-7" }, {});
    expect(lazy).toBeInstanceOf(LazyRequestLogger);
    const child = parent.child({ reqId: "req-7" });
    for (const log of [lazy, child]) {
      log.info({ device: { id: "dev_1", secret: "s3cret" } }, "polled %s", "fast");
      log.error(new Error("database down"));
      log.warn("plain message");
    }
    expect(out.lines).toHaveLength(6);
    for (let i = 0; i < 3; i++) expect(withoutTime(out.lines[i]!)).toEqual(withoutTime(out.lines[i + 3]!));
    expect(JSON.parse(out.lines[1]!)).toMatchObject({
      reqId: "req-7",
      msg: "database down",
      err: { type: "Error" },
    });
    expect(out.lines.join("\n")).not.toContain("s3cret");
  });

  it("makes no child while nothing is written at an enabled level, and one child after", () => {
    const out = sink();
    const parent = createLogger("warn", out.stream);
    const child = vi.spyOn(parent, "child");
    const lazy = requestLoggerFactory(parent, { reqId: "req-8" }, {}) as LazyRequestLogger;
    lazy.info("not written");
    lazy.debug({ a: 1 }, "not written either");
    expect(lazy.level).toBe("warn");
    expect(lazy.isLevelEnabled("info")).toBe(false);
    expect(child).not.toHaveBeenCalled();
    expect(out.lines).toEqual([]);
    lazy.warn("written");
    lazy.error("written too");
    expect(child).toHaveBeenCalledTimes(1);
    expect(out.lines.map((l) => JSON.parse(l).reqId)).toEqual(["req-8", "req-8"]);
  });

  it("is pino's own child at once when the route sets a level of its own", () => {
    const parent = createLogger("warn", sink().stream);
    const routeLevel = requestLoggerFactory(parent, { reqId: "req-9" }, { level: "debug" });
    expect(routeLevel).not.toBeInstanceOf(LazyRequestLogger);
    expect(routeLevel.level).toBe("debug");
  });
});
