import { z } from "zod";
import { INSTRUMENT_PATTERN } from "../signals/signals.models";
import { SETTINGS_LIMITS, SIZING_MODES, type SizingMode } from "./devices.settings";

export const DeviceName = z.string().trim().min(1).max(64);
export const DeviceIdParams = z.object({ id: z.string().min(1).max(64) });

export const DeviceAccountSchema = z.object({
  login: z.string(),
  server: z.string(),
  company: z.string().nullable(),
  currency: z.string().nullable(),
  balance: z.number().nullable(),
  leverage: z.number().int().nullable(),
});
export const DeviceClientSchema = z.object({ name: z.string(), version: z.string() });

export const DeviceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    online: z.boolean(),
    revokedAt: z.string().nullable(),
    /** The MT5 account of the EA's last hello (API.md §11); null until a hello. */
    account: DeviceAccountSchema.nullable(),
    client: DeviceClientSchema.nullable(),
    /** When the EA last said hello. */
    helloAt: z.string().nullable(),
  })
  .meta({ id: "Device" });

export const RegisteredDeviceSchema = z.object({
  id: z.string(),
  name: z.string(),
  secret: z.string(),
  createdAt: z.string(),
  lastSeenAt: z.null(),
  online: z.literal(false),
});

export const DeviceSecretSchema = z.object({ id: z.string(), secret: z.string() });

/** A broker's symbol: what MetaTrader shows in Market Watch (no spaces or control characters). */
const BrokerSymbol = z
  .string()
  .regex(/^[^\s\p{Cc}]+$/u, "must have no spaces")
  .max(SETTINGS_LIMITS.brokerSymbolLength);

const SymbolMap = z
  .record(z.string(), BrokerSymbol)
  .transform((map, ctx) => {
    const out: Record<string, string> = {};
    for (const [raw, to] of Object.entries(map)) {
      // Signal instruments are upper case (API.md §6): "xauusd" means XAUUSD.
      const from = raw.trim().toUpperCase();
      if (!INSTRUMENT_PATTERN.test(from))
        ctx.addIssue({
          code: "custom",
          path: [raw],
          message: "must be a signal instrument (2-20 of A-Z 0-9 . _)",
        });
      else if (from in out) ctx.addIssue({ code: "custom", path: [raw], message: "is mapped twice" });
      else out[from] = to;
    }
    return out;
  })
  .refine((map) => Object.keys(map).length <= SETTINGS_LIMITS.symbolMapEntries, {
    message: `at most ${SETTINGS_LIMITS.symbolMapEntries} symbols`,
  });

/** PUT /devices/{id}/settings: the whole object but `version` (API.md §11); unknown fields ignored. */
export const DeviceSettingsBody = z
  .object({
    sizing: z.object({
      mode: z.enum(SIZING_MODES as [SizingMode, ...SizingMode[]]),
      value: z.number().positive(),
    }),
    maxLots: z.number().positive().max(SETTINGS_LIMITS.maxLots).nullable(),
    symbolMap: SymbolMap,
    symbolSuffix: z
      .string()
      .max(SETTINGS_LIMITS.symbolSuffixLength)
      .regex(/^[^\s\p{Cc}]*$/u, "must have no spaces"),
    maxSlippagePoints: z.number().int().min(0).max(SETTINGS_LIMITS.maxSlippagePoints),
    maxEntryDeviationPct: z.number().min(0).max(SETTINGS_LIMITS.maxEntryDeviationPct).nullable(),
    paused: z.boolean(),
  })
  .superRefine((s, ctx) => {
    const ceiling = SETTINGS_LIMITS.sizingValue[s.sizing.mode];
    if (s.sizing.value > ceiling) {
      const unit = s.sizing.mode === "fixed" ? " lots" : s.sizing.mode === "risk_percent" ? "%" : "×";
      ctx.addIssue({
        code: "custom",
        path: ["sizing", "value"],
        message: `must be at most ${ceiling}${unit} for ${s.sizing.mode}`,
      });
    }
  });

export const DeviceSettingsSchema = z
  .object({
    version: z.number().int(),
    sizing: z.object({ mode: z.enum(SIZING_MODES as [SizingMode, ...SizingMode[]]), value: z.number() }),
    maxLots: z.number().nullable(),
    symbolMap: z.record(z.string(), z.string()),
    symbolSuffix: z.string(),
    maxSlippagePoints: z.number().int(),
    maxEntryDeviationPct: z.number().nullable(),
    paused: z.boolean(),
  })
  .meta({ id: "DeviceSettings" });

/** POST /device/hello (API.md §11). */
export const HelloBody = z.object({
  account: z.object({
    login: z.string().trim().min(1).max(32),
    server: z.string().trim().min(1).max(128),
    company: z.string().max(128).optional(),
    currency: z.string().max(16).optional(),
    balance: z.number().optional(),
    leverage: z.number().int().min(0).max(1_000_000_000).optional(),
  }),
  client: z.object({ name: z.string().trim().min(1).max(64), version: z.string().trim().min(1).max(32) }),
});
export const HelloResponse = z.object({ settings: DeviceSettingsSchema });
