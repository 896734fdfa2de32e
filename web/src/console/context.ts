import { createContext, useContext } from "react";
import type { ConsoleApi, paths } from "../api/client";

export type Session =
  paths["/api/v1/console/session"]["get"]["responses"]["200"]["content"]["application/json"];

export const ApiContext = createContext<{ api: ConsoleApi; session: Session } | null>(null);

/** The console's API client and session, inside the signed-in shell. */
export function useConsole() {
  const value = useContext(ApiContext);
  if (!value) throw new Error("useConsole outside the signed-in console");
  return value;
}
