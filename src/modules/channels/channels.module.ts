import type { UsersService } from "../users/users.service";
import { createChannelAccess } from "./channels.access";
import { createChannelJobs } from "./channels.jobs";
import { createChannelPosts } from "./channels.posts";
import { type ChannelsDeps, createChannelsService } from "./channels.service";

export type UsersRepositoryLike = Pick<UsersService, "findById">;
export type ChannelsModule = ReturnType<typeof createChannelsModule>;

/** The channels module: linking and access rules, removals and reconcile, signal posts, their jobs. */
export function createChannelsModule(deps: ChannelsDeps) {
  const service = createChannelsService(deps);
  const access = createChannelAccess({ ...deps, channels: service });
  const posts = createChannelPosts({ ...deps, channels: service });
  const jobs = createChannelJobs({ access, posts, logger: deps.logger });
  return { service, access, posts, jobs };
}
