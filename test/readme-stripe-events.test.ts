import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HANDLED_STRIPE_EVENTS } from "../src/modules/payments/payments.models";

/** The operator enables webhook events from the README: it must name exactly those the service handles. */
describe("the README's Stripe webhook events", () => {
  it("lists exactly the event types the webhook handles", () => {
    const readme = readFileSync(path.join(import.meta.dirname, "..", "README.md"), "utf8");
    const block = /<!-- stripe-events:start -->([\s\S]*?)<!-- stripe-events:end -->/.exec(readme);
    expect(block, "README.md has no stripe-events block").not.toBeNull();
    const listed = [...block![1]!.matchAll(/`([a-z_.]+)`/g)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...HANDLED_STRIPE_EVENTS].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });
});
