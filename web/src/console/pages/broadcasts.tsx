import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../api/client";
import { useConsole } from "../context";

/** A message to every user of the bot, previewed as Telegram will show it (plain text), then queued. */
export function BroadcastsPage() {
  const { api } = useConsole();
  const [text, setText] = useState("");
  const [previewing, setPreviewing] = useState(false);
  const send = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/admin/broadcasts", { body: { text } })),
    onSuccess: () => {
      setPreviewing(false);
      setText("");
    },
  });
  return (
    <section>
      <h1>Broadcasts</h1>
      <div className="panel">
        <label>
          Message to every user
          <textarea value={text} onChange={(e) => setText(e.target.value)} maxLength={4000} rows={6} />
        </label>
        <p className="hint">{text.length} / 4000 characters. Sent at up to 25 messages per second.</p>
        {!previewing && (
          <button type="button" disabled={!text.trim()} onClick={() => setPreviewing(true)}>
            Preview
          </button>
        )}
        {previewing && (
          <div className="preview">
            <h3>Preview</h3>
            <div className="bubble">{text}</div>
            <div className="row">
              <button type="button" onClick={() => send.mutate()} disabled={send.isPending}>
                Send to everyone
              </button>
              <button type="button" className="secondary" onClick={() => setPreviewing(false)}>
                Edit
              </button>
            </div>
          </div>
        )}
        {send.error && <p className="error">{send.error.message}</p>}
        {send.data && <p className="ok">Broadcast {send.data.id} queued.</p>}
      </div>
    </section>
  );
}
