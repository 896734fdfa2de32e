import { failuresOf, type LoadResult, measure, startApp, startBaseline, versusBaseline } from "../support";

export const name = "quotes";

/**
 * SPEC.md §Speed 5: anonymous `GET /quotes` (catalog and FX rates served from the in-memory
 * caches, every request through the full app: request id, rate-limit hook, validation, pricing,
 * response schema, metrics) against a bare Fastify JSON route, same connections and duration.
 */
export async function run({ smoke }: { smoke: boolean }): Promise<Record<string, unknown>> {
  // Alternating short rounds, averaged, so load from anything else on the machine falls on both
  // sides of the ratio alike instead of on whichever ran during a busy moment.
  const rounds = smoke ? 1 : 3;
  const seconds = smoke ? 1 : 5;
  const connections = 10;
  const app = await startApp();
  const baseline = await startBaseline();
  try {
    const tier = (await app.deps.catalog.view()).categories[0]!.products[0]!.tiers[0]!;
    const url = `${app.url}/api/v1/quotes?tierId=${tier.id}&months=12&region=EU`;
    const check = await fetch(url);
    if (check.status !== 200) throw new Error(`GET /quotes answered ${check.status}: ${await check.text()}`);
    if (!smoke) {
      // Warm both up (JIT, caches) so neither pays for it in a measured round.
      await measure(url, { seconds: 2, connections });
      await measure(baseline.url, { seconds: 2, connections });
    }
    const bare: LoadResult[] = [];
    const quotes: LoadResult[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await measure(baseline.url, { seconds, connections }));
      quotes.push(await measure(url, { seconds, connections }));
    }
    const failures = failuresOf(quotes);
    if (failures > 0) throw new Error(`GET /quotes failed under load: ${failures} non-2xx or errors`);
    return { ...versusBaseline("quotes", quotes, bare, seconds), connections };
  } finally {
    await baseline.close();
    await app.close();
  }
}
