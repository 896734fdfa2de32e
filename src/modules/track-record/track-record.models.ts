/**
 * The track record (SPEC "Positions, sources and track record"): each closed signal's result
 * from what devices reported (the first fill, the close prices of its closing updates, closed
 * trades), and a record over a period. Pure: values in, values out.
 */

const FIAT = new Set(
  "USD EUR GBP JPY CHF CAD AUD NZD SEK NOK DKK SGD HKD ZAR MXN TRY PLN CZK HUF CNH CNY ILS INR THB RUB".split(
    " ",
  ),
);

/**
 * The size of one pip: 0.1 for gold, 0.01 for silver and yen pairs, 0.0001 for other pairs of
 * two currencies (a broker suffix like `.m` ignored), and one whole point for anything else
 * (indices, crypto, shares).
 */
export function pipSize(instrument: string): number {
  const symbol = instrument.toUpperCase().replace(/[._].*$/, "");
  if (symbol.startsWith("XAU")) return 0.1;
  if (symbol.startsWith("XAG")) return 0.01;
  const pair = symbol.length === 6 && FIAT.has(symbol.slice(0, 3)) && FIAT.has(symbol.slice(3));
  if (!pair) return 1;
  return symbol.includes("JPY") ? 0.01 : 0.0001;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/** Pips gained by a position of `side` from `entry` to `exit` (negative when lost), to 0.1. */
export function pipsBetween(instrument: string, side: "buy" | "sell", entry: number, exit: number): number {
  const direction = side === "buy" ? 1 : -1;
  return round(((exit - entry) * direction) / pipSize(instrument), 1);
}

export interface ClosingUpdate {
  id: string;
  seq: number;
  action: "modify" | "close" | "close_partial";
  fraction: number | null;
}

export interface SignalOutcomeInput {
  instrument: string;
  side: "buy" | "sell";
  /** The stop loss as published: one R is the distance from the entry to it. */
  initialStopLoss: number | null;
  updates: ClosingUpdate[];
  /** The earliest fill reported by any device. */
  firstFill: { deviceId: string; price: number } | null;
  /** Close prices devices reported when they applied a closing update. */
  exits: { updateId: string; deviceId: string; closePrice: number }[];
  /** Closed trades devices reported for this signal. */
  trades: { deviceId: string; closePrice: number }[];
}

export interface SignalOutcome {
  entry: number;
  exit: number;
  pips: number;
  /** Null when the signal had no stop loss (no risk to measure against). */
  r: number | null;
}

/** Each closing update's share of the original position: a partial close takes its fraction of what remains. */
export function closingShares(updates: ClosingUpdate[]): { id: string; share: number }[] {
  let remaining = 1;
  const shares: { id: string; share: number }[] = [];
  for (const u of [...updates].sort((a, b) => a.seq - b.seq)) {
    if (u.action === "modify" || remaining <= 0) continue;
    const share = u.action === "close" ? remaining : remaining * (u.fraction ?? 0);
    shares.push({ id: u.id, share });
    remaining -= share;
  }
  return shares;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * A closed signal's result, measured on the device that filled first: entry at its fill price,
 * exit at the close prices it reported, each closing update weighted by its share of the
 * position. An update that device did not report a price for takes the other devices' average,
 * then the first filler's closed trade. Without a fill or any exit price there is no result.
 */
export function signalOutcome(input: SignalOutcomeInput): SignalOutcome | null {
  const { firstFill } = input;
  if (!firstFill) return null;
  const tradePrice =
    input.trades.find((t) => t.deviceId === firstFill.deviceId)?.closePrice ??
    (input.trades.length > 0 ? mean(input.trades.map((t) => t.closePrice)) : undefined);
  let exit = 0;
  let weight = 0;
  for (const { id, share } of closingShares(input.updates)) {
    const prices = input.exits.filter((e) => e.updateId === id);
    const own = prices.find((e) => e.deviceId === firstFill.deviceId)?.closePrice;
    const price = own ?? (prices.length > 0 ? mean(prices.map((e) => e.closePrice)) : tradePrice);
    if (price === undefined) return null;
    exit += share * price;
    weight += share;
  }
  if (weight === 0) {
    if (tradePrice === undefined) return null;
    exit = tradePrice;
    weight = 1;
  }
  exit /= weight;
  const direction = input.side === "buy" ? 1 : -1;
  const risk = input.initialStopLoss === null ? 0 : Math.abs(firstFill.price - input.initialStopLoss);
  return {
    entry: firstFill.price,
    exit: round(exit, 6),
    pips: pipsBetween(input.instrument, input.side, firstFill.price, exit),
    r: risk > 0 ? round(((exit - firstFill.price) * direction) / risk, 2) : null,
  };
}

export interface RecordFigures {
  signals: number;
  wins: number;
  losses: number;
  breakeven: number;
  /** Wins over all signals with a result, 0..1 (4 decimals); 0 when there are none. */
  winRate: number;
  totalPips: number;
  /** Mean R of the signals that had a stop loss; null when none had. */
  averageR: number | null;
  /** The deepest fall of cumulative R from its running peak (starting at 0), in R. */
  maxDrawdownR: number;
}

/** The record over results in the order the signals closed. */
export function recordOf(results: Pick<SignalOutcome, "pips" | "r">[]): RecordFigures {
  const wins = results.filter((r) => r.pips > 0).length;
  const losses = results.filter((r) => r.pips < 0).length;
  const rs = results.map((r) => r.r).filter((r): r is number => r !== null);
  let cumulative = 0;
  let peak = 0;
  let drawdown = 0;
  for (const r of rs) {
    cumulative += r;
    peak = Math.max(peak, cumulative);
    drawdown = Math.max(drawdown, peak - cumulative);
  }
  return {
    signals: results.length,
    wins,
    losses,
    breakeven: results.length - wins - losses,
    winRate: results.length === 0 ? 0 : round(wins / results.length, 4),
    totalPips: round(
      results.reduce((sum, r) => sum + r.pips, 0),
      1,
    ),
    averageR: rs.length === 0 ? null : round(mean(rs), 2),
    maxDrawdownR: round(drawdown, 2),
  };
}
