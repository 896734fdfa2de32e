import type { SignalUpdateRow } from "../signals/signals.table";

/** One update as a poll returns it (API.md §10), without the device's own broker ticket. */
export interface UpdateItem {
  updateId: string;
  signalId: string;
  seq: number;
  action: SignalUpdateRow["action"];
  stopLoss: number | null;
  takeProfit: number | null;
  fraction: number | null;
}

/** An update for one device: the item and that device's ticket for the position. */
export interface UpdateDelivery {
  item: UpdateItem;
  brokerTicket: string;
}

interface Holder {
  ticket: string;
  /** Updates this device reported a final result for. */
  done: Set<string>;
}

interface Position {
  /** In seq order. */
  updates: UpdateItem[];
  holders: Map<string, Holder>;
  /** Epoch ms of the close, once closed: kept a while for fills reported after it. */
  closedAtMs?: number;
}

export const toUpdateItem = (u: SignalUpdateRow): UpdateItem => ({
  updateId: u.id,
  signalId: u.signalId,
  seq: u.seq,
  action: u.action,
  stopLoss: u.stopLoss,
  takeProfit: u.takeProfit,
  fraction: u.fraction,
});

/**
 * Positions that have updates, in memory: which devices hold each (their fill's ticket) and
 * which updates each has settled. A poll reads its pending updates from here without the
 * database. Only signals with at least one update are tracked; the first update brings in the
 * signal's fills from the database, later fills are added as they are reported.
 */
export class PositionBook {
  private readonly positions = new Map<string, Position>();
  /** Signal ids each device holds among the tracked positions. */
  private readonly byDevice = new Map<string, Set<string>>();

  has(signalId: string): boolean {
    return this.positions.has(signalId);
  }

  /** Starts tracking a signal (empty until its updates and fills are added). */
  track(signalId: string): void {
    if (!this.positions.has(signalId)) this.positions.set(signalId, { updates: [], holders: new Map() });
  }

  /** Adds updates not seen yet, keeping seq order; returns the devices holding the position. */
  addUpdates(signalId: string, items: UpdateItem[], closedAtMs?: number): string[] {
    this.track(signalId);
    const position = this.positions.get(signalId)!;
    const known = new Set(position.updates.map((u) => u.updateId));
    const fresh = items.filter((u) => !known.has(u.updateId));
    if (fresh.length > 0) {
      position.updates.push(...fresh);
      position.updates.sort((a, b) => a.seq - b.seq);
    }
    if (closedAtMs !== undefined) position.closedAtMs = closedAtMs;
    return [...position.holders.keys()];
  }

  /** Records that a device filled a tracked signal; true when it now has something pending. */
  hold(signalId: string, deviceId: string, ticket: string, done: Iterable<string> = []): boolean {
    const position = this.positions.get(signalId);
    if (!position) return false;
    let holder = position.holders.get(deviceId);
    if (holder) for (const id of done) holder.done.add(id);
    else {
      holder = { ticket, done: new Set(done) };
      position.holders.set(deviceId, holder);
    }
    let held = this.byDevice.get(deviceId);
    if (!held) {
      held = new Set();
      this.byDevice.set(deviceId, held);
    }
    held.add(signalId);
    return !this.releaseIfFinished(signalId, position, deviceId, holder);
  }

  /** A device that settled everything of a closed position holds it no more; true if released. */
  private releaseIfFinished(signalId: string, position: Position, deviceId: string, holder: Holder): boolean {
    if (this.pendingOf(position, holder).length > 0) return false;
    if (!position.updates.some((u) => u.action === "close")) return true;
    position.holders.delete(deviceId);
    this.byDevice.get(deviceId)?.delete(signalId);
    return true;
  }

  /** A device's final result for an update; a settled close releases the device's holding. */
  settle(signalId: string, updateId: string, deviceId: string): void {
    const position = this.positions.get(signalId);
    const holder = position?.holders.get(deviceId);
    if (!position || !holder) return;
    holder.done.add(updateId);
    this.releaseIfFinished(signalId, position, deviceId, holder);
  }

  private pendingOf(position: Position, holder: Holder): UpdateItem[] {
    return position.updates.filter((u) => !holder.done.has(u.updateId));
  }

  /** Unsettled updates of every position the device holds, each position's in seq order. */
  pendingFor(deviceId: string): UpdateDelivery[] {
    const held = this.byDevice.get(deviceId);
    if (!held || held.size === 0) return [];
    const out: UpdateDelivery[] = [];
    for (const signalId of held) {
      const position = this.positions.get(signalId);
      const holder = position?.holders.get(deviceId);
      if (!position || !holder) continue;
      for (const item of this.pendingOf(position, holder)) out.push({ item, brokerTicket: holder.ticket });
    }
    return out;
  }

  removeDevice(deviceId: string): void {
    for (const signalId of this.byDevice.get(deviceId) ?? [])
      this.positions.get(signalId)?.holders.delete(deviceId);
    this.byDevice.delete(deviceId);
  }

  /**
   * Forgets positions closed before `beforeMs` that every holder has settled: no fill is
   * expected for them any more. A device that never reported keeps its position here.
   */
  forgetClosed(beforeMs: number): number {
    let forgotten = 0;
    for (const [signalId, position] of this.positions) {
      if (position.closedAtMs === undefined || position.closedAtMs >= beforeMs) continue;
      if (position.holders.size > 0) continue;
      this.positions.delete(signalId);
      forgotten++;
    }
    return forgotten;
  }

  stats() {
    let holders = 0;
    for (const p of this.positions.values()) holders += p.holders.size;
    return { positions: this.positions.size, holders };
  }
}
