import { createHash } from "node:crypto";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { FastifyInstance } from "fastify";

/**
 * Holds every response a test app sends against the app's own /openapi.json: the status must be
 * documented for the operation, the content type must be one it names, and a JSON body must
 * match the documented schema. Route tests so check the document a client generator reads.
 */

type Json = Record<string, unknown>;
type Responses = Record<string, { content?: Record<string, { schema?: Json }> }>;
type Doc = { paths: Record<string, Record<string, { responses?: Responses }>>; components?: Json };

const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
/**
 * Compiled validators by document and response schema. Test apps build equal documents, so the
 * key is the components' text: one compilation per distinct schema in a worker, not per test.
 */
const compiled = new Map<string, ValidateFunction>();
const componentsKey = new WeakMap<object, string>();

function validatorFor(schema: Json, components: Json | undefined): ValidateFunction {
  let scope = components ? componentsKey.get(components) : "";
  if (scope === undefined && components) {
    scope = createHash("sha256").update(JSON.stringify(components)).digest("hex");
    componentsKey.set(components, scope);
  }
  const key = `${scope}:${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    // `#/components/...` references resolve against the root of the compiled schema.
    validate = ajv.compile({ ...schema, components });
    compiled.set(key, validate);
  }
  return validate;
}

const mediaType = (header: unknown) =>
  String(header ?? "")
    .split(";")[0]!
    .trim();

export interface ResponseSeen {
  method: string;
  /** The documented path that served it (`/a/{id}`), as `documentedRoute` finds it. */
  route: string;
  status: number;
  contentType: string;
  body: string;
}

/** What is wrong with a response by the document, or null when it conforms (or is undocumented). */
export function contractViolation(doc: Doc, seen: ResponseSeen): string | null {
  const operation = doc.paths[seen.route]?.[seen.method.toLowerCase()];
  if (!operation) return null; // hidden routes (pages, /openapi.json itself) are not in the contract
  const where = `${seen.method} ${seen.route} → ${seen.status}`;
  const documented = operation.responses?.[String(seen.status)];
  if (!documented) {
    return `${where}: status not documented (documented: ${Object.keys(operation.responses ?? {}).join(", ")})`;
  }
  const content = documented.content;
  if (!content) return seen.body === "" ? null : `${where}: a body where the document says none`;
  const type = mediaType(seen.contentType);
  const entry = content[type];
  if (!entry) return `${where}: content type ${type} not documented (${Object.keys(content).join(", ")})`;
  if (!entry.schema || !type.endsWith("json")) return null;
  let body: unknown;
  try {
    body = JSON.parse(seen.body);
  } catch {
    return `${where}: body is not JSON`;
  }
  const validate = validatorFor(entry.schema, doc.components);
  if (validate(body)) return null;
  return `${where}: body does not match the schema: ${ajv.errorsText(validate.errors)}`;
}

/** The documented path a concrete URL is served by (static segments win over parameters). */
function documentedRoute(doc: Doc, url: string): string | undefined {
  // As the request was sent: a client resolves dot segments ("/users/../devices" is "/devices").
  const path = new URL(url.split("?")[0]!, "http://localhost").pathname;
  const matches = Object.keys(doc.paths).filter((p) =>
    new RegExp(`^${p.replace(/[.+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
  );
  return matches.sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0))[0];
}

type Inject = FastifyInstance["inject"];

/**
 * Checks every injected request's response against the app's document (wrap after `ready()`);
 * `violations` lists what did not conform.
 */
export function watchContract(app: FastifyInstance): { violations: string[] } {
  const violations: string[] = [];
  let doc: Doc | undefined;
  const original = (app.inject as Inject).bind(app) as (opts: unknown) => Promise<Response>;
  type Response = { statusCode: number; headers: Record<string, unknown>; body: string };
  const wrapped = async (opts: unknown) => {
    if (typeof opts !== "object" || opts === null) return original(opts);
    const res = await original(opts);
    const { method = "GET", url } = opts as { method?: string; url?: string };
    if (typeof url !== "string" || method === "HEAD") return res;
    doc ??= app.swagger() as unknown as Doc;
    const route = documentedRoute(doc, url);
    if (!route) return res;
    const violation = contractViolation(doc, {
      method,
      route,
      status: res.statusCode,
      contentType: String(res.headers["content-type"] ?? ""),
      body: res.body,
    });
    if (violation) violations.push(violation);
    return res;
  };
  (app as { inject: unknown }).inject = wrapped;
  return { violations };
}
