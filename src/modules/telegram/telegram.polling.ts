import type { Api } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import { retryBackoffMs } from "./telegram.models";

/**
 * Long polling for machines without public HTTPS: getUpdates in a loop, each update through the
 * same intake as the webhook. The offset confirms what was recorded; updates fetched again after
 * a restart are settled by the intake's update_id key.
 */
export function createPoller(deps: {
  api: Api;
  accept(update: Update): Promise<unknown>;
  logger: Logger;
  allowedUpdates: readonly string[];
  timeoutSeconds?: number;
}) {
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;

  const pause = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });

  async function run(signal: AbortSignal): Promise<void> {
    let offset = 0;
    let failures = 0;
    let webhookCleared = false;
    while (!signal.aborted) {
      try {
        // getUpdates is refused while a webhook is set, so a switch from webhook mode clears it.
        if (!webhookCleared) {
          await deps.api.deleteWebhook({}, signal as never);
          webhookCleared = true;
        }
        const updates = await deps.api.getUpdates(
          {
            offset,
            timeout: deps.timeoutSeconds ?? 25,
            allowed_updates: deps.allowedUpdates as never,
          },
          signal as never,
        );
        for (const update of updates) {
          await deps.accept(update);
          offset = update.update_id + 1;
        }
        failures = 0;
      } catch (err) {
        if (signal.aborted) return;
        failures++;
        deps.logger.warn({ err: (err as Error).message, failures }, "telegram getUpdates failed");
        await pause(retryBackoffMs(Math.min(failures, 6)), signal);
      }
    }
  }

  return {
    start(): void {
      if (loop) return;
      controller = new AbortController();
      loop = run(controller.signal);
    },
    async stop(): Promise<void> {
      controller?.abort();
      await loop;
      loop = undefined;
    },
  };
}
