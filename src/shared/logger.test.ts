import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

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
