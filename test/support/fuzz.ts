import fc from "fast-check";

/** JSON Schema as the OpenAPI document carries it (only what the generators read). */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  format?: string;
}

const deep = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

/** Values that break naive code: wrong types, extremes, odd text, nesting. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    0,
    -1,
    1.5,
    -0.0001,
    1e308,
    -1e308,
    2 ** 53 + 1,
    2 ** 31,
    -(2 ** 63),
    5e-324,
    "",
    " ",
    "0",
    "-1",
    "1e999",
    "NaN",
    "Infinity",
    "null",
    "true",
    true,
    false,
    null,
    [],
    {},
    [null],
    "\u0000",
    "\u202e\u0301",
    "😀".repeat(200),
    "a".repeat(5000),
    "<script>alert(1)</script>",
    "' or 1=1 --",
    "../../etc/passwd",
    "%00%ff",
    "2026-13-45T99:99:99Z",
    "1970-01-01T00:00:00.000Z",
    "9999-12-31T23:59:59.999Z",
    { __proto__: null, constructor: { prototype: { admin: true } } },
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((n) => Number(n)),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), {
    maxKeys: 3,
  }),
  fc.integer({ min: 1, max: 400 }).map((n) => JSON.parse(deep(n, "[", "]"))),
);

/** Raw bodies that are not what a route expects, or not JSON at all. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    '{"a":',
    "[]",
    "null",
    '"x"',
    "0",
    "-1e999",
    "{}{}",
    '{"__proto__":{"role":"admin"}}',
    '{"constructor":{"prototype":{"role":"admin"}}}',
    "\u0000\u0001\u0002",
    "\ufeff{}",
    deep(20_000, "[", "]"),
    deep(10_000, '{"a":', "}").replace(/}$/, "1}"),
  ),
  fc.json({ maxDepth: 4 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
);

/** Text safe in an HTTP header value (what a client library would let through). */
export const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

/** Percent-encodes like a client would; a lone surrogate becomes a malformed UTF-8 escape. */
export function encodePart(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}

export function resolve(schema: JsonSchema | undefined, components: Record<string, JsonSchema>): JsonSchema {
  if (!schema?.$ref) return schema ?? {};
  return resolve(components[schema.$ref.replace("#/components/schemas/", "")], components);
}

/**
 * Values shaped by a route's own schema (so requests get past validation into the handlers),
 * each field now and then replaced by a nasty value or left out.
 */
export function fromSchema(
  input: JsonSchema | undefined,
  components: Record<string, JsonSchema>,
  ids: string[],
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolve(input, components);
  if (depth > 4) return nastyValue;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (union?.length) return fc.oneof(...union.map((s) => fromSchema(s, components, ids, depth + 1)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0], components, ids, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return fc.oneof(
        fc.constantFrom(...ids),
        fc.constantFrom("EURUSD", "GB", "GBP", "premium", "vip", "x", "2026-11-21T10:00:00.000Z"),
        fc.string({ maxLength: Math.min(schema.maxLength ?? 30, 30) }),
      );
    case "integer":
      return fc.integer({
        min: Math.max(schema.minimum ?? -10, -1e9),
        max: Math.min(schema.maximum ?? 1e5, 1e9),
      });
    case "number":
      return fc.double({ min: 0.0001, max: 1e4, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(fromSchema(schema.items, components, ids, depth + 1), { maxLength: 3 });
    case "object": {
      const fields = Object.entries(schema.properties ?? {}).map(
        ([name, s]) =>
          [
            name,
            fc.option(
              fc.oneof(
                { weight: 4, arbitrary: fromSchema(s, components, ids, depth + 1) },
                { weight: 1, arbitrary: nastyValue },
              ),
              { freq: 6, nil: undefined },
            ),
          ] as const,
      );
      return fc
        .record(Object.fromEntries(fields))
        .map((o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
    }
  }
  return nastyValue;
}
