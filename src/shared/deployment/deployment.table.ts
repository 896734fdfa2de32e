import { boolean, integer, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "../../db/columns";

/**
 * Fingerprints of the keys this database was first used with. Tokens are signed with JWT_SECRET
 * and device/producer secrets sealed with MASTER_KEY: every instance and every CLI run against
 * the database must hold the same two, or they mint tokens the others reject and cannot read
 * the secrets. One row; the first process to start writes it.
 */
export const deploymentKeys = pgTable("deployment_keys", {
  id: text("id").primaryKey(),
  jwtFingerprint: text("jwt_fingerprint").notNull(),
  masterKeyFingerprint: text("master_key_fingerprint").notNull(),
  createdAt: tstz("created_at").notNull(),
});

/**
 * The server processes running on this database, each refreshing `lastSeenAt` while it lives.
 * Several instances are supported only with Redis on every one of them; a start checks this.
 */
export const instances = pgTable("instances", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  redis: boolean("redis").notNull(),
  startedAt: tstz("started_at").notNull(),
  lastSeenAt: tstz("last_seen_at").notNull(),
});
