import { createContext, useContext } from "react";
import type { AppApi, paths } from "../api/client";

export type User = paths["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"];

export const AppContext = createContext<{ api: AppApi; user: User } | null>(null);

export function useApp() {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp before sign-in");
  return value;
}
