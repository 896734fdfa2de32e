import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap } from "../../api/client";
import { dateTime } from "../../shared/format";
import { useConsole } from "../context";

export function SessionsPage() {
  const { api } = useConsole();
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ["sessions"],
    queryFn: () => unwrap(api.GET("/api/v1/admin/console/sessions")),
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/api/v1/admin/console/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["sessions"] }),
  });
  return (
    <section>
      <h1>Console sessions</h1>
      <table className="list">
        <thead>
          <tr>
            <th>Session</th>
            <th>Browser</th>
            <th>Address</th>
            <th>Signed in</th>
            <th>Expires</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(sessions.data?.items ?? []).map((s) => (
            <tr key={s.id}>
              <td>
                {s.id} {s.current && <strong>(this browser)</strong>}
              </td>
              <td>{s.userAgent ?? "—"}</td>
              <td>{s.ip ?? "—"}</td>
              <td>{dateTime(s.createdAt)}</td>
              <td>{dateTime(s.expiresAt)}</td>
              <td>
                {!s.current && (
                  <button type="button" className="danger" onClick={() => revoke.mutate(s.id)}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
