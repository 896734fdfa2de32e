import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { Link, Route, Router, Switch, useLocation } from "wouter";
import { ApiError, consoleApi, unwrap } from "../api/client";
import { ApiContext, type Session } from "./context";
import { AffiliatesPage } from "./pages/affiliates";
import { BroadcastsPage } from "./pages/broadcasts";
import { CatalogPage } from "./pages/catalog";
import { OrdersPage } from "./pages/orders";
import { OverviewPage } from "./pages/overview";
import { SessionsPage } from "./pages/sessions";
import { SignalsPage } from "./pages/signals";
import { UserDetailPage, UsersPage } from "./pages/users";
import "./console.css";

let csrfToken: string | undefined;
const api = consoleApi(() => csrfToken);
const queries = new QueryClient({
  defaultOptions: {
    queries: { retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2 },
  },
});

const NAV = [
  ["/", "Overview"],
  ["/signals", "Signals"],
  ["/users", "Users"],
  ["/orders", "Orders"],
  ["/affiliates", "Affiliates"],
  ["/catalog", "Catalog"],
  ["/broadcasts", "Broadcasts"],
  ["/sessions", "Sessions"],
] as const;

function Shell({ session }: { session: Session }) {
  const [location] = useLocation();
  async function logout() {
    await unwrap(api.POST("/api/v1/console/logout"));
    window.location.assign("/console");
  }
  return (
    <div className="shell">
      <nav>
        <strong className="brand">signaldesk</strong>
        {NAV.map(([href, label]) => (
          <Link key={href} href={href} className={location === href ? "active" : ""}>
            {label}
          </Link>
        ))}
        <span className="who">
          {session.user.username ? `@${session.user.username}` : session.user.firstName}
        </span>
        <button type="button" onClick={logout}>
          Sign out
        </button>
      </nav>
      <main>
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/signals" component={SignalsPage} />
          <Route path="/users" component={UsersPage} />
          <Route path="/users/:id">{(params) => <UserDetailPage id={params.id} />}</Route>
          <Route path="/orders" component={OrdersPage} />
          <Route path="/affiliates" component={AffiliatesPage} />
          <Route path="/catalog" component={CatalogPage} />
          <Route path="/broadcasts" component={BroadcastsPage} />
          <Route path="/sessions" component={SessionsPage} />
          <Route>
            <h1>Not found</h1>
          </Route>
        </Switch>
      </main>
    </div>
  );
}

function Gate() {
  const session = useQuery({
    queryKey: ["console-session"],
    queryFn: () => unwrap(api.GET("/api/v1/console/session")),
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (session.isPending) return <p className="centered">Loading…</p>;
  if (session.error) {
    const status = session.error instanceof ApiError ? session.error.status : 0;
    return (
      <div className="centered">
        <h1>{status === 401 ? "Sign in to the console" : "The console cannot load"}</h1>
        <p>
          {status === 401
            ? "Ask for a sign-in link: send /console to the bot, run `signaldesk console-link --telegram-id <your id>` on the server, or POST /api/v1/admin/console-links. Links work once, for 10 minutes."
            : session.error.message}
        </p>
      </div>
    );
  }
  if (session.data.user.role !== "admin") {
    return (
      <div className="centered">
        <h1>Admins only</h1>
        <p>This account is not an admin of this signaldesk.</p>
      </div>
    );
  }
  csrfToken = session.data.csrfToken;
  return (
    <ApiContext.Provider value={{ api, session: session.data }}>
      <Shell session={session.data} />
    </ApiContext.Provider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queries}>
      <Router base="/console">
        <Gate />
      </Router>
    </QueryClientProvider>
  </StrictMode>,
);
