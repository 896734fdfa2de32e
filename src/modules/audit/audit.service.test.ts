import { describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/support/app";

describe("audit log", () => {
  const ctx = useTestApp();

  it("records who did what to which subject", async () => {
    const { audit } = ctx().deps;
    await audit.record({
      actorId: "usr_1",
      actorKind: "admin",
      action: "catalog.tier_archived",
      subjectType: "tier",
      subjectId: "tier_1",
      data: { reason: "retired" },
    });
    const rows = await audit.listForSubject("tier", "tier_1");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: "usr_1",
      action: "catalog.tier_archived",
      data: { reason: "retired" },
    });
  });

  it("is append-only: the database refuses updates and deletes", async () => {
    const { audit } = ctx().deps;
    await audit.record({ actorId: null, actorKind: "system", action: "x", subjectType: "s", subjectId: "1" });
    await expect(ctx().database.query("update audit_log set action = 'y'")).rejects.toThrow(/append-only/);
    await expect(ctx().database.query("delete from audit_log")).rejects.toThrow(/append-only/);
    expect(await audit.listForSubject("s", "1")).toHaveLength(1);
  });
});
