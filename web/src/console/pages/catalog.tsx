import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../api/client";
import { money } from "../../shared/format";
import { useConsole } from "../context";

function TierRow(props: {
  id: string;
  name: string;
  level: string;
  monthlyPriceMinor: number;
  maxDevices: number;
}) {
  const { api } = useConsole();
  const client = useQueryClient();
  const [price, setPrice] = useState((props.monthlyPriceMinor / 100).toFixed(2));
  const [name, setName] = useState(props.name);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.PATCH("/api/v1/admin/catalog/tiers/{id}", {
          params: { path: { id: props.id } },
          body: { name, monthlyPriceMinor: Math.round(Number(price) * 100) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["catalog"] }),
  });
  return (
    <tr>
      <td>{props.level}</td>
      <td>
        <input value={name} onChange={(e) => setName(e.target.value)} aria-label={`${props.level} name`} />
      </td>
      <td>
        £{" "}
        <input
          value={price}
          onChange={(e) => setPrice(e.target.value)}
          inputMode="decimal"
          aria-label={`${props.level} price`}
        />
      </td>
      <td>{props.maxDevices}</td>
      <td>
        <button type="button" onClick={() => save.mutate()} disabled={save.isPending}>
          Save
        </button>
        {save.error && <span className="error"> {save.error.message}</span>}
        {save.isSuccess && <span className="ok"> saved</span>}
      </td>
    </tr>
  );
}

/** Tiers and their GBP prices (other currencies are quoted from these at the FX rates). */
export function CatalogPage() {
  const { api } = useConsole();
  const catalog = useQuery({ queryKey: ["catalog"], queryFn: () => unwrap(api.GET("/api/v1/catalog")) });
  return (
    <section>
      <h1>Catalog and prices</h1>
      {(catalog.data?.categories ?? []).flatMap((c) =>
        c.products.map((p) => (
          <div key={p.id} className="panel">
            <h2>
              {c.name} · {p.name}
            </h2>
            <p>{p.description}</p>
            <table>
              <thead>
                <tr>
                  <th>Level</th>
                  <th>Name</th>
                  <th>Monthly price (GBP)</th>
                  <th>Devices</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {p.tiers.map((t) => (
                  <TierRow
                    key={`${t.id}:${t.monthlyPriceMinor}`}
                    id={t.id}
                    name={t.name}
                    level={t.level}
                    monthlyPriceMinor={t.monthlyPriceMinor}
                    maxDevices={t.features.maxDevices}
                  />
                ))}
              </tbody>
            </table>
            <p className="hint">
              Current prices:{" "}
              {p.tiers.map((t) => `${t.name} ${money(t.monthlyPriceMinor, "GBP")}`).join(" · ")}
            </p>
          </div>
        )),
      )}
    </section>
  );
}
