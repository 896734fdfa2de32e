import { describe, expect, it } from "vitest";
import { settingsOf } from "../devices/devices.settings";
import { PollResponse } from "../executions/executions.schemas";
import { pollBody } from "./delivery.routes";

const AT = "2026-11-21T10:00:00.000Z";
const EMPTY = { signals: [], updates: [] };

describe("the empty poll answer (written from a tail kept per settings version)", () => {
  it("is the JSON the generic serialiser writes, and valid against the response schema", () => {
    const settings = settingsOf(null, 1);
    const body = pollBody(AT, EMPTY as never, settings);
    expect(body).toBe(JSON.stringify({ serverTime: AT, signals: [], updates: [], settings }));
    expect(PollResponse.parse(JSON.parse(body))).toEqual(JSON.parse(body));
  });

  it("carries each request's own server time", () => {
    const settings = settingsOf(null, 1);
    const later = "2026-11-21T10:00:01.500Z";
    expect(JSON.parse(pollBody(later, EMPTY as never, settings)).serverTime).toBe(later);
    expect(JSON.parse(pollBody(AT, EMPTY as never, settings)).serverTime).toBe(AT);
  });

  it("changes when the device's settings version changes", () => {
    const v1 = settingsOf(null, 1);
    const v2 = settingsOf({ ...v1, sizing: { mode: "fixed", value: 0.05 }, paused: true }, 2);
    expect(JSON.parse(pollBody(AT, EMPTY as never, v1)).settings).toEqual(v1);
    const second = JSON.parse(pollBody(AT, EMPTY as never, v2));
    expect(second.settings).toMatchObject({ version: 2, paused: true, sizing: { value: 0.05 } });
    // The first version's answer is still its own (each version has its tail).
    expect(JSON.parse(pollBody(AT, EMPTY as never, v1)).settings.version).toBe(1);
  });
});
