import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { useApp } from "../context";
import { openTelegramLink } from "../telegram";

const TIER_NAMES: Record<string, string> = { premium: "Premium", vip: "VIP", enterprise: "Enterprise" };

/** The linked channels and groups, with the subscriber's personal join-request link where they qualify. */
export function ChannelsCard() {
  const { api } = useApp();
  const channels = useQuery({
    queryKey: ["channels"],
    queryFn: () => unwrap(api.GET("/api/v1/me/channels")),
  });
  const items = channels.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div className="card" data-testid="channels">
      <div className="hint">Channels and groups</div>
      {items.map((c) => (
        <div key={c.id} className="row">
          <strong>{c.title}</strong> {c.access === "member" && <span className="hint">you are a member</span>}
          {c.access === "invited" && c.inviteLink && (
            <button type="button" className="primary" onClick={() => openTelegramLink(c.inviteLink!)}>
              Join
            </button>
          )}
          {c.access === "none" && (
            <span className="hint">needs {TIER_NAMES[c.minTier] ?? c.minTier} or higher</span>
          )}
        </div>
      ))}
    </div>
  );
}
