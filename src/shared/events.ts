import type { Executor } from "../db/client";
import type { PayoutRow } from "../modules/affiliates/affiliates.table";
import type { ChannelRow } from "../modules/channels/channels.table";
import type { DeviceSettings } from "../modules/devices/devices.settings";
import type { DeviceAccount, DeviceClient, DeviceRow } from "../modules/devices/devices.table";
import type { EntitlementRow } from "../modules/entitlements/entitlements.table";
import type { OrderRow } from "../modules/orders/orders.table";
import type { SignalRow, SignalUpdateRow } from "../modules/signals/signals.table";
import type { UserRow } from "../modules/users/users.table";

/** A recipient's approval of a signal (auto-approve or a decision). */
export interface Approval {
  userId: string;
  decidedAt: Date;
}

/**
 * Every domain event, with its payload. The module that owns the change announces it; the
 * modules that react declare how in their `<module>.reactions.ts`. To learn what an event sets
 * off, search its name.
 */
export interface DomainEvents {
  /** An operator sent a broadcast from the console; the bot queues one message per user. */
  "console.broadcast_requested": { id: string; text: string; actorId: string };
  /** A user row was created (the affiliate program attributes the signup in the same transaction). */
  "users.created": { user: UserRow };
  /** An admin disabled or re-enabled an account; its devices stop (or resume) signing at once. */
  "users.disabled_changed": { userId: string; disabled: boolean };
  /** Access may have changed: a period granted, revoked or refunded. */
  "entitlements.changed": { userId: string };
  /** An order became paid; its entitlement is already granted in the same transaction. */
  "orders.paid": { order: OrderRow; entitlement: EntitlementRow };
  /** A paid order was refunded; its period (if any) is already revoked in the same transaction. */
  "orders.refunded": { order: OrderRow; revoked: EntitlementRow | undefined };
  /** The buyer cancelled a pending order; payments closes any open checkout for it. */
  "orders.cancelled": { orderId: string; userId: string };
  /** A new signal and the approvals it already has (auto-approve), for the delivery index. */
  "signals.published": {
    signal: SignalRow;
    /** Each recipient, and whether auto-approve already approved it for them. */
    recipients: { userId: string; autoApproved: boolean }[];
    approvals: Approval[];
  };
  "signals.decided": {
    signal: SignalRow;
    userId: string;
    decision: "approved" | "rejected";
    decidedAt: Date;
  };
  "signals.cancelled": { signalId: string };
  /**
   * The publisher changed the position after the entry (API.md §10). `signal` is the row as it
   * is now (latest SL/TP, positionStatus `closed` after a close), `update` the update itself
   * (action, seq, new prices, fraction, note), `previous` the SL/TP before it: everything a
   * message or a channel post about the update needs.
   */
  "signals.updated": {
    signal: SignalRow;
    update: SignalUpdateRow;
    previous: { stopLoss: number | null; takeProfit: number | null };
  };
  /** Who may sign changed: a device registered, rotated its key or was removed. */
  "devices.changed": {
    kind: "registered" | "revoked" | "rotated";
    device: Pick<DeviceRow, "id" | "userId" | "keyVersion" | "settings" | "settingsVersion">;
  };
  /** The owner changed a device's settings; the EA gets them with its next poll (API.md §11). */
  "devices.settings_changed": { deviceId: string; userId: string; settings: DeviceSettings };
  /**
   * An EA said hello with its MT5 account and client (API.md §11). The affiliate program looks
   * for an account shared between a referral and their referrer in the same transaction.
   */
  "devices.hello": {
    deviceId: string;
    userId: string;
    account: DeviceAccount;
    client: DeviceClient;
    /** The account this device reported before, if any. */
    previous: DeviceAccount | null;
  };
  /** A device reported an ACK, a fill or an error (not repeats of one already stored). */
  "executions.reported": {
    executionId: string;
    signalId: string;
    deviceId: string;
    userId: string;
    type: "ack" | "fill" | "error";
  };
  /** A device reported what it did with an update (its first, final report; not repeats). */
  "executions.update_reported": {
    updateId: string;
    signalId: string;
    deviceId: string;
    userId: string;
    status: "applied" | "failed";
  };
  /**
   * The bot lost (or got back) the admin rights it needs in a linked chat: the channel went
   * inactive (or active again). The bot tells the admins.
   */
  "channels.bot_status_changed": {
    channel: ChannelRow;
    change: "deactivated" | "reactivated";
    /** The rights the bot lacks (empty when reactivated). */
    missing: string[];
  };
  /**
   * A user paid with a card for the first time (by Stripe's card fingerprint), in the
   * transaction that applied the payment. The affiliate program looks for the same card on the
   * other side of a referral.
   */
  "payments.card_used": { userId: string; fingerprint: string; orderId: string };
  /** Emitted once per offline spell, by one instance, while approved signals wait un-ACKed. */
  "devices.offline_with_pending": { deviceId: string; userId: string; deviceName: string; pending: number };

  // The affiliate program's news for its affiliates (the bot tells them).
  /** A signup was attributed to an affiliate (in the signup's transaction). */
  "affiliates.referred": { affiliateUserId: string; referralId: string };
  /** A referred user's payment earned a commission, pending until `availableAt`. */
  "affiliates.commission_earned": {
    affiliateUserId: string;
    commissionId: string;
    amountMinor: number;
    currency: string;
    availableAt: Date;
  };
  /** A payout request was completed or rejected (by an admin, or by the system when a refund shrank the balance). */
  "affiliates.payout_decided": { affiliateUserId: string; payout: PayoutRow };
}

export type EventName = keyof DomainEvents;

/**
 * The transaction a change runs in, and its announcements. `emit` runs the in-transaction
 * reactions at once (a throw rolls everything back) and the after-commit ones once the
 * transaction has committed; `afterCommit` queues any other work for that moment.
 */
export interface UnitOfWork {
  readonly tx: Executor;
  afterCommit(work: () => unknown): void;
  emit<K extends EventName>(event: K, payload: DomainEvents[K]): Promise<void>;
}

/** Runs inside the announcing transaction: what must never be missing when the change commits. */
export type InTransactionReaction<K extends EventName> = (
  payload: DomainEvents[K],
  uow: UnitOfWork,
) => Promise<void>;
/** Runs once the change has committed: notifications, caches, wake-ups. Failures are logged. */
export type AfterCommitReaction<K extends EventName> = (payload: DomainEvents[K]) => unknown;

export type Events = ReturnType<typeof createEvents>;

/**
 * The registry of reactions, and the only way events travel in-process. Modules register in
 * their `*.reactions.ts`, called once from `src/reactions.ts`; services announce through a
 * `UnitOfWork` (see `src/shared/unit-of-work.ts`).
 */
export function createEvents(onError: (err: unknown, event: string) => void = () => {}) {
  const inTx = new Map<EventName, InTransactionReaction<never>[]>();
  const after = new Map<EventName, AfterCommitReaction<never>[]>();
  const running = new Set<Promise<unknown>>();

  const track = (event: string, work: () => unknown) => {
    let result: unknown;
    try {
      result = work();
    } catch (err) {
      onError(err, event);
      return;
    }
    if (!(result instanceof Promise)) return;
    const run: Promise<unknown> = result
      .catch((err) => onError(err, event))
      .finally(() => running.delete(run));
    running.add(run);
  };

  return {
    inTransaction<K extends EventName>(event: K, reaction: InTransactionReaction<K>): void {
      inTx.set(event, [...(inTx.get(event) ?? []), reaction as InTransactionReaction<never>]);
    },
    afterCommit<K extends EventName>(event: K, reaction: AfterCommitReaction<K>): void {
      after.set(event, [...(after.get(event) ?? []), reaction as AfterCommitReaction<never>]);
    },

    /** The in-transaction reactions of `event`, in registration order; the unit of work runs them. */
    async runInTransaction<K extends EventName>(event: K, payload: DomainEvents[K], uow: UnitOfWork) {
      for (const reaction of inTx.get(event) ?? []) {
        await (reaction as InTransactionReaction<K>)(payload, uow);
      }
    },

    /**
     * Runs the after-commit reactions of a change that has committed: called by the unit of
     * work, or directly for a change committed by a single statement or a group-commit batch
     * (which has no in-transaction reactions to run). Reactions start synchronously, in order;
     * their async parts run on, and a failure is reported, never thrown.
     */
    committed<K extends EventName>(event: K, payload: DomainEvents[K]): void {
      if (inTx.has(event))
        throw new Error(`${event} has in-transaction reactions: announce it in a unit of work`);
      this.dispatch(event, payload);
    },

    /** The after-commit reactions of `event`; the unit of work calls this once it has committed. */
    dispatch<K extends EventName>(event: K, payload: DomainEvents[K]): void {
      for (const reaction of after.get(event) ?? []) {
        track(event, () => (reaction as AfterCommitReaction<K>)(payload));
      }
    },

    /** Runs work queued by a unit of work after its commit, with the same error reporting. */
    run(label: string, work: () => unknown): void {
      track(label, work);
    },

    /**
     * Resolves once every after-commit reaction started so far (and any they trigger) has
     * finished: shutdown waits on it before closing the database, and tests before they look.
     */
    async settled(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
