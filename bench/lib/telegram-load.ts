import { fileURLToPath } from "node:url";
import { isEntryPoint, runNodeForJson } from "./child-json";
import { type LoadResult, rawLoad, rawRequestBytes } from "./raw-load";

/**
 * Load for the Telegram webhook: the raw generator (raw-load.ts) in a child process posting
 * updates as Telegram
 * does, each with its own update_id from one of `users` people in turn, and every
 * `duplicateEvery`-th request a redelivery of an update sent shortly before (some still in
 * flight, most already acknowledged), to exercise de-duplication.
 */

export interface TelegramLoadOptions {
  url: string;
  secret: string;
  connections: number;
  seconds: number;
  /** Senders, round-robin: with enough of them the per-person limit (burst 5, 1/s) stays out of the way. */
  users: number;
  /** Every n-th request repeats an earlier update_id; 0 for none. */
  duplicateEvery: number;
  /** The first update_id; distinct updates count up from it. */
  firstUpdateId: number;
  /** Updates per second (a paced burst, as Telegram would deliver it); as fast as answered when unset. */
  ratePerSecond?: number;
  path?: string;
}

export interface TelegramLoadResult extends LoadResult {
  /** Distinct update_ids sent, and requests that repeated one. */
  distinctSent: number;
  duplicatesSent: number;
  /** 2xx answers to first deliveries and to repeats. */
  acknowledged: number;
  duplicatesAcknowledged: number;
  /** Every update_id with at least one 2xx answer. */
  acknowledgedIds: number[];
}

const SELF = fileURLToPath(import.meta.url);
const WEBHOOK_PATH = "/telegram/webhook";
const TEXTS = ["/start", "/help", "hello"];
/** Redeliveries repeat one of the last this many distinct updates. */
const REPEAT_WINDOW = 500;

/** The update with distinct index `d`: a private message from person `d % users`. */
export function updateBody(
  opts: Pick<TelegramLoadOptions, "users" | "firstUpdateId">,
  d: number,
  date: number,
) {
  const userId = 7_000_000_000 + (d % opts.users);
  const text = TEXTS[d % TEXTS.length]!;
  const person = { id: userId, first_name: `Load ${d % opts.users}` };
  return {
    update_id: opts.firstUpdateId + d,
    message: {
      message_id: d + 1,
      date,
      chat: { ...person, type: "private" },
      from: { ...person, is_bot: false },
      text,
      ...(text.startsWith("/")
        ? { entities: [{ type: "bot_command", offset: 0, length: text.length }] }
        : {}),
    },
  };
}

/** Runs in the child: the load itself. */
async function loadMain(opts: TelegramLoadOptions): Promise<TelegramLoadResult> {
  const date = Math.floor(Date.now() / 1000);
  const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": opts.secret };
  const host = new URL(opts.url).host;
  const path = opts.path ?? WEBHOOK_PATH;
  /** Which update request i carried, and whether it was a redelivery. */
  const plan: { updateId: number; repeat: boolean }[] = [];
  let distinct = 0;
  let duplicatesSent = 0;
  let acknowledged = 0;
  let duplicatesAcknowledged = 0;
  const acked = new Set<number>();
  const next = (i: number) => {
    const built = i + 1;
    const repeat = opts.duplicateEvery > 0 && built % opts.duplicateEvery === 0 && distinct > 0;
    let d: number;
    if (repeat) {
      // A spread of distances back, so some repeats race their first delivery.
      d = distinct - 1 - ((built * 7919) % Math.min(distinct, REPEAT_WINDOW));
      duplicatesSent++;
    } else {
      d = distinct++;
    }
    plan[i] = { updateId: opts.firstUpdateId + d, repeat };
    return rawRequestBytes(host, {
      method: "POST",
      path,
      headers,
      body: JSON.stringify(updateBody(opts, d, date)),
    });
  };
  const onAnswer = (i: number, status: number) => {
    if (status < 200 || status > 299) return;
    const { updateId, repeat } = plan[i]!;
    acknowledged++;
    if (repeat) duplicatesAcknowledged++;
    acked.add(updateId);
  };
  const result = await rawLoad(
    {
      url: opts.url,
      connections: opts.connections,
      seconds: opts.seconds,
      ratePerSecond: opts.ratePerSecond,
    },
    next,
    onAnswer,
  );
  return {
    ...result,
    distinctSent: distinct,
    duplicatesSent,
    acknowledged,
    duplicatesAcknowledged,
    acknowledgedIds: [...acked],
  };
}

if (isEntryPoint(import.meta.url)) {
  const result = await loadMain(JSON.parse(process.argv[2]!) as TelegramLoadOptions);
  process.stdout.write(JSON.stringify(result));
}

export function measureTelegram(opts: TelegramLoadOptions): Promise<TelegramLoadResult> {
  return runNodeForJson<TelegramLoadResult>(["--import", "tsx", SELF, JSON.stringify(opts)], "telegram load");
}
