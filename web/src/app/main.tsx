import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Link, Route, Router, Switch, useLocation } from "wouter";
import { ApiError, appApi, unwrap } from "../api/client";
import { AppContext } from "./context";
import { AffiliatePage } from "./pages/affiliate";
import { DevicesPage } from "./pages/devices";
import { PlanPage } from "./pages/plan";
import { SignalsPage } from "./pages/signals";
import { launch } from "./telegram";
import "./app.css";

const { initData } = launch();
let accessToken: string | undefined;
const api = appApi(() => accessToken);
const queries = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2 },
  },
});

const TABS = [
  ["/", "Plan"],
  ["/signals", "Signals"],
  ["/devices", "Devices"],
  ["/affiliate", "Affiliate"],
] as const;

function Tabs() {
  const [location] = useLocation();
  return (
    <nav className="tabs">
      {TABS.map(([href, label]) => (
        <Link key={href} href={href} className={location === href ? "active" : ""}>
          {label}
        </Link>
      ))}
    </nav>
  );
}

function SignedIn() {
  const signIn = useQuery({
    queryKey: ["sign-in"],
    queryFn: async () => {
      const session = await unwrap(api.POST("/api/v1/auth/telegram", { body: { initData: initData! } }));
      accessToken = session.accessToken;
      return session;
    },
    enabled: initData !== undefined,
    // The access token lasts an hour; sign in again a little before it ends.
    refetchInterval: 50 * 60_000,
    staleTime: 50 * 60_000,
  });
  if (initData === undefined) {
    return (
      <p className="centered">Open this page from the bot: it signs you in with your Telegram account.</p>
    );
  }
  if (signIn.error) return <p className="centered error">Sign-in failed: {signIn.error.message}</p>;
  if (!signIn.data) return <p className="centered">Signing in…</p>;
  return (
    <AppContext.Provider value={{ api, user: signIn.data.user }}>
      <Tabs />
      <main>
        <Switch>
          <Route path="/" component={PlanPage} />
          <Route path="/signals" component={SignalsPage} />
          <Route path="/devices" component={DevicesPage} />
          <Route path="/affiliate" component={AffiliatePage} />
        </Switch>
      </main>
    </AppContext.Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <Router base="/app">
        <SignedIn />
      </Router>
    </QueryClientProvider>
  </StrictMode>,
);
