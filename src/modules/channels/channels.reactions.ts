import type { Events } from "../../shared/events";
import type { ChannelsModule, UsersRepositoryLike } from "./channels.module";

/**
 * What channels do when something happens elsewhere:
 * - access changed (refund, revocation, a new period): that person's memberships are checked at
 *   once and the removals run, well within the 10 s API.md §12 allows (the 5 s sweep is the net);
 * - a signal published or updated: its posts are written in the same transaction, then sent.
 */
export function registerChannelReactions(
  events: Events,
  channels: ChannelsModule,
  users: UsersRepositoryLike,
): void {
  events.afterCommit("entitlements.changed", async ({ userId }) => {
    const user = await users.findById(userId);
    if (!user) return;
    await channels.access.sweep(user.telegramId);
    await channels.jobs.runNow("access");
  });
  events.inTransaction("signals.published", channels.posts.signalPublished);
  events.afterCommit("signals.published", () => channels.jobs.runNow("posts"));
  events.inTransaction("signals.updated", channels.posts.signalUpdated);
  events.afterCommit("signals.updated", () => channels.jobs.runNow("posts"));
}
