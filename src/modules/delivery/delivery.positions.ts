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
  /** Updates this device reported a final result for; none until it reports one. */
  done?: Set<string>;
}

interface Position {
  /** In seq order; empty for a filled position nothing was published about yet. */
  updates: UpdateItem[];
  holders: Map<string, Holder>;
  /** Epoch ms of the close, once closed: kept a while for fills reported after it. */
  closedAtMs?: number;
}

/** The holder's settled updates, allocated on its first report: a holder of a position without updates has none. */
function settledBy(holder: Holder): Set<string> {
  if (!holder.done) holder.done = new Set();
  return holder.done;
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
 * Filled positions, in memory: which devices hold each (their fill's ticket), the updates
 * published about it and which of them each holder has settled. A poll reads its pending updates
 * from here without the database, and an update wakes its holders without reading them first:
 * a position is held from its first fill on, whether or not it has updates yet.
 */
export class PositionBook {
  private readonly positions = new Map<string, Position>();
  /** Signal ids each device holds. */
  private readonly byDevice = new Map<string, Set<string>>();

  has(signalId: string): boolean {
    return this.positions.has(signalId);
  }

  /** How many updates of the signal the book has (its seqs run from 1 without gaps once complete). */
  updateCount(signalId: string): number {
    return this.positions.get(signalId)?.updates.length ?? 0;
  }

  private positionOf(signalId: string): Position {
    let position = this.positions.get(signalId);
    if (!position) {
      position = { updates: [], holders: new Map() };
      this.positions.set(signalId, position);
    }
    return position;
  }

  /** Adds updates not seen yet, keeping seq order; returns the devices holding the position. */
  addUpdates(signalId: string, items: UpdateItem[], closedAtMs?: number): string[] {
    const position = this.positionOf(signalId);
    const known = new Set(position.updates.map((u) => u.updateId));
    const fresh = items.filter((u) => !known.has(u.updateId));
    if (fresh.length > 0) {
      position.updates.push(...fresh);
      position.updates.sort((a, b) => a.seq - b.seq);
    }
    if (closedAtMs !== undefined) position.closedAtMs = closedAtMs;
    return [...position.holders.keys()];
  }

  /** Records that a device filled a signal; true when it now has something pending. */
  hold(signalId: string, deviceId: string, ticket: string, done: Iterable<string> = []): boolean {
    const position = this.positionOf(signalId);
    let holder = position.holders.get(deviceId);
    if (!holder) {
      holder = { ticket };
      position.holders.set(deviceId, holder);
    }
    for (const id of done) settledBy(holder).add(id);
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
    settledBy(holder).add(updateId);
    this.releaseIfFinished(signalId, position, deviceId, holder);
  }

  private pendingOf(position: Position, holder: Holder): UpdateItem[] {
    const { done } = holder;
    return done ? position.updates.filter((u) => !done.has(u.updateId)) : position.updates;
  }

  /** Unsettled updates of every position the device holds, each position's in seq order. */
  pendingFor(deviceId: string): UpdateDelivery[] {
    const held = this.byDevice.get(deviceId);
    if (!held || held.size === 0) return [];
    const out: UpdateDelivery[] = [];
    for (const signalId of held) {
      const position = this.positions.get(signalId);
      // Most held positions have no update yet: an empty poll skips them without allocating.
      if (!position || position.updates.length === 0) continue;
      const holder = position.holders.get(deviceId);
      if (!holder) continue;
      for (const item of this.pendingOf(position, holder)) out.push({ item, brokerTicket: holder.ticket });
    }
    return out;
  }

  /** A revoked device: its holdings go, and so does a position left with neither holders nor updates. */
  removeDevice(deviceId: string): void {
    for (const signalId of this.byDevice.get(deviceId) ?? []) {
      const position = this.positions.get(signalId);
      if (!position) continue;
      position.holders.delete(deviceId);
      if (position.holders.size === 0 && position.updates.length === 0) this.positions.delete(signalId);
    }
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
