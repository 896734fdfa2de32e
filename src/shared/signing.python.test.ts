import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signRequest } from "./signing";

const CLIENT_DIR = fileURLToPath(new URL("../../clients/python/", import.meta.url));

// Signs each case with the Python client's own functions, bodies travelling as base64 bytes.
const PYTHON_SIGNER = `
import base64, json, sys
from signaldesk_device import sign
for c in json.load(sys.stdin):
    print(sign(c["secret"], c["method"], c["path"], c["timestamp"], c["nonce"], base64.b64decode(c["body"])))
`;

describe("the Python device client", () => {
  it("signs the pinned test vector exactly like the server", () => {
    const run = spawnSync("python3", ["test_signing_vector.py"], { cwd: CLIENT_DIR, encoding: "utf8" });
    expect(run.stderr).toMatch(/OK/);
    expect(run.status).toBe(0);
  });

  it("agrees with the server on the signature of arbitrary requests, including non-ASCII ones", () => {
    const cases = fc.sample(
      fc.record({
        secret: fc.string({ minLength: 1, maxLength: 60, unit: "grapheme" }),
        method: fc.constantFrom("GET", "POST"),
        path: fc.webUrl({ withQueryParameters: true }).map((u) => {
          const url = new URL(u);
          return url.pathname + url.search;
        }),
        timestamp: fc.integer({ min: 0, max: 4_000_000_000 }),
        nonce: fc.stringMatching(/^[A-Za-z0-9_-]{16,64}$/),
        body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      }),
      { numRuns: 50, seed: 20261121 },
    );
    const run = spawnSync("python3", ["-c", PYTHON_SIGNER], {
      cwd: CLIENT_DIR,
      encoding: "utf8",
      input: JSON.stringify(cases.map((c) => ({ ...c, body: c.body.toString("base64") }))),
    });
    expect(run.stderr).toBe("");
    const expected = cases.map((c) => signRequest(c.secret, { ...c, pathWithQuery: c.path }));
    expect(run.stdout.trim().split("\n")).toEqual(expected);
  });
});
