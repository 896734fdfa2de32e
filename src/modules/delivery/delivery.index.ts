import type { DeviceSettings } from "../devices/devices.settings";
import type { SignalRow } from "../signals/signals.table";

/** One signal as a poll returns it (API.md §7.2). */
export interface PollItem {
  signalId: string;
  instrument: string;
  side: SignalRow["side"];
  orderType: SignalRow["orderType"];
  entryPrice: number | null;
  stopLoss: number | null;
  takeProfit: number | null;
  volume: number | null;
  expiresAt: string;
}

export interface IndexedDevice {
  id: string;
  userId: string;
  keyVersion: number;
  secret: string;
  /** Served with every poll (API.md §11); replaced only by a higher version. */
  settings: DeviceSettings;
  /** Open signals this device has ACKed: never handed to it again. */
  acked: Set<string>;
}

export interface UserAccess {
  signals: boolean;
  /** Epoch ms after which the answer must be recomputed (an entitlement starts or ends). */
  until: number;
}

interface OpenSignal {
  item: PollItem;
  expiresAtMs: number;
  /** Recipients who approved it, with the approval time (for signal_delivery_seconds). */
  approvedBy: Map<string, number>;
}

interface IndexedUser {
  devices: Set<string>;
  /** Ids of open signals the user approved, oldest first (ids sort by creation time). */
  approved: string[];
  access?: UserAccess;
}

export const toPollItem = (s: SignalRow): PollItem => ({
  signalId: s.id,
  instrument: s.instrument,
  side: s.side,
  orderType: s.orderType,
  entryPrice: s.entryPrice,
  stopLoss: s.stopLoss,
  takeProfit: s.takeProfit,
  volume: s.volume,
  expiresAt: s.expiresAt.toISOString(),
});

/**
 * Everything a poll needs, in memory: which devices may sign, which open signals each user
 * approved, which of those each device ACKed, and whether the owner's plan includes signals.
 * Pure data: the delivery service fills it from the database and keeps it current.
 */
export class DeliveryIndex {
  private readonly signals = new Map<string, OpenSignal>();
  private readonly devices = new Map<string, IndexedDevice>();
  private readonly users = new Map<string, IndexedUser>();

  private user(userId: string): IndexedUser {
    let user = this.users.get(userId);
    if (!user) {
      // Stryker disable next-line ArrayDeclaration: an id no open signal has is skipped wherever approved is read
      user = { devices: new Set(), approved: [] };
      this.users.set(userId, user);
    }
    return user;
  }

  clear(): void {
    this.signals.clear();
    this.devices.clear();
    this.users.clear();
  }

  device(id: string): IndexedDevice | undefined {
    return this.devices.get(id);
  }

  devicesOf(userId: string): string[] {
    return [...(this.users.get(userId)?.devices ?? [])];
  }

  usersWithDevices(): string[] {
    return [...this.users].filter(([, u]) => u.devices.size > 0).map(([id]) => id);
  }

  /**
   * Adds or replaces a device (a rotation changes its key version and secret). Settings already
   * known at a higher version stay: a reload may read the row before a later change lands here.
   */
  putDevice(device: Omit<IndexedDevice, "acked">): void {
    const previous = this.devices.get(device.id);
    const settings =
      previous && previous.settings.version > device.settings.version ? previous.settings : device.settings;
    this.devices.set(device.id, { ...device, settings, acked: previous?.acked ?? new Set() });
    this.user(device.userId).devices.add(device.id);
  }

  /** Adopts newer settings; false when the device is unknown or already has these or newer. */
  setSettings(deviceId: string, settings: DeviceSettings): boolean {
    const device = this.devices.get(deviceId);
    if (!device || device.settings.version >= settings.version) return false;
    device.settings = settings;
    return true;
  }

  removeDevice(id: string): string | undefined {
    const device = this.devices.get(id);
    if (!device) return undefined;
    this.devices.delete(id);
    // Stryker disable next-line OptionalChaining: a device's owner is always indexed (putDevice adds both)
    this.users.get(device.userId)?.devices.delete(id);
    return device.userId;
  }

  hasSignal(id: string): boolean {
    return this.signals.has(id);
  }

  openSignal(row: SignalRow): void {
    if (this.signals.has(row.id)) return;
    this.signals.set(row.id, {
      item: toPollItem(row),
      expiresAtMs: row.expiresAt.getTime(),
      approvedBy: new Map(),
    });
  }

  /** Records an approval; returns the devices that may now receive the signal. */
  approve(signalId: string, userId: string, decidedAtMs: number): string[] {
    const signal = this.signals.get(signalId);
    if (!signal || signal.approvedBy.has(userId)) return [];
    signal.approvedBy.set(userId, decidedAtMs);
    const user = this.user(userId);
    user.approved.push(signalId);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; sorting anyway gives the same order
    if (user.approved.length > 1 && user.approved.at(-2)! > signalId) user.approved.sort();
    return [...user.devices];
  }

  /** The entry always carries the latest stop loss and take profit (API.md §10). */
  reviseSignal(signalId: string, levels: { stopLoss: number | null; takeProfit: number | null }): void {
    const signal = this.signals.get(signalId);
    if (!signal) return;
    const { item } = signal;
    if (item.stopLoss === levels.stopLoss && item.takeProfit === levels.takeProfit) return;
    // A new object: serialised entries are cached per item.
    signal.item = { ...item, stopLoss: levels.stopLoss, takeProfit: levels.takeProfit };
  }

  approvedAt(signalId: string, userId: string): number | undefined {
    return this.signals.get(signalId)?.approvedBy.get(userId);
  }

  ack(deviceId: string, signalId: string): void {
    if (this.signals.has(signalId)) this.devices.get(deviceId)?.acked.add(signalId);
  }

  /** Drops a cancelled or expired signal from every user and device that knew it. */
  closeSignal(signalId: string): void {
    const signal = this.signals.get(signalId);
    if (!signal) return;
    this.signals.delete(signalId);
    for (const userId of signal.approvedBy.keys()) {
      const user = this.users.get(userId);
      // Stryker disable next-line ConditionalExpression: an approver is always indexed (approve adds the user)
      if (!user) continue;
      user.approved = user.approved.filter((id) => id !== signalId);
      // Stryker disable next-line OptionalChaining: a user's devices are always indexed (removeDevice drops both)
      for (const deviceId of user.devices) this.devices.get(deviceId)?.acked.delete(signalId);
    }
  }

  closeExpired(nowMs: number): number {
    let closed = 0;
    for (const [id, signal] of this.signals) {
      if (signal.expiresAtMs <= nowMs) {
        this.closeSignal(id);
        closed++;
      }
    }
    return closed;
  }

  /** Approved, open, not yet ACKed by this device, oldest first. The owner's plan is checked apart. */
  pendingFor(deviceId: string, nowMs: number): PollItem[] {
    const device = this.devices.get(deviceId);
    const user = device && this.users.get(device.userId);
    // Stryker disable next-line LogicalOperator,ConditionalExpression: an indexed device's owner is indexed; no approvals is a shortcut
    if (!device || !user || user.approved.length === 0) return [];
    const items: PollItem[] = [];
    for (const id of user.approved) {
      const signal = this.signals.get(id);
      if (signal && signal.expiresAtMs > nowMs && !device.acked.has(id)) items.push(signal.item);
    }
    return items;
  }

  accessOf(userId: string): UserAccess | undefined {
    return this.users.get(userId)?.access;
  }

  setAccess(userId: string, access: UserAccess): void {
    this.user(userId).access = access;
  }

  stats() {
    return { signals: this.signals.size, devices: this.devices.size, users: this.users.size };
  }
}
