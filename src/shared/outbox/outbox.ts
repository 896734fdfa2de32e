import type { Executor } from "../../db/client";
import { newId } from "../ids";
import { outbox } from "./outbox.table";

/**
 * Adds a message to the outbox inside the caller's transaction: it commits with the change that
 * caused it, or not at all. `at` is the caller's clock time.
 */
export async function enqueue(
  tx: Executor,
  topic: string,
  payload: Record<string, unknown>,
  at: Date,
): Promise<string> {
  const id = newId("obx", at.getTime());
  await tx.insert(outbox).values({ id, topic, payload, createdAt: at });
  return id;
}
