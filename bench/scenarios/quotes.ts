import { measure, round, startApp, startBaseline } from "../support";

export const name = "quotes";

/**
 * SPEC.md §Speed 5: anonymous `GET /quotes` (catalog and FX rates served from the in-memory
 * caches, every request through the full app: request id, rate-limit hook, validation, pricing,
 * response schema, metrics) against a bare Fastify JSON route, same connections and duration.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  const seconds = smoke ? 1 : 10;
  const connections = 10;
  const app = await startApp();
  const baseline = await startBaseline();
  try {
    const tier = (await app.deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const url = `${app.url}/api/v1/quotes?tierId=${tier.id}&months=12&region=EU`;
    const check = await fetch(url);
    if (check.status !== 200) throw new Error(`GET /quotes answered ${check.status}: ${await check.text()}`);
    if (!smoke) {
      // Warm both up (JIT, caches, connection pools) so neither pays for it in the measured run.
      await measure(url, { seconds: 2, connections });
      await measure(baseline.url, { seconds: 2, connections });
    }
    const bare = await measure(baseline.url, { seconds, connections });
    const quotes = await measure(url, { seconds, connections });
    if (quotes.non2xx > 0 || quotes.errors > 0) {
      throw new Error(`GET /quotes failed under load: ${quotes.non2xx} non-2xx, ${quotes.errors} errors`);
    }
    return {
      rps: quotes.rps,
      baselineRps: bare.rps,
      ratio: round(quotes.rps / bare.rps, 3),
      p50Ms: quotes.p50Ms,
      p99Ms: quotes.p99Ms,
      baselineP99Ms: bare.p99Ms,
      connections,
      seconds,
      requests: quotes.requests,
    };
  } finally {
    await baseline.close();
    await app.close();
  }
}
