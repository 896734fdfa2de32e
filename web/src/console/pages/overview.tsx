import { useQuery } from "@tanstack/react-query";
import { eachDayOfInterval, format, parseISO } from "date-fns";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { unwrap } from "../../api/client";
import { majorUnits, money } from "../../shared/format";
import { useConsole } from "../context";

const RANGES = [7, 30, 90] as const;
const COLOURS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626"];

interface Revenue {
  day: string;
  currency: string;
  amountMinor: number;
}

/** One series per currency over every day of the window (days without sales are 0). */
function chartData(revenue: Revenue[], from: string): { days: Date[]; series: Map<string, number[]> } {
  const days = eachDayOfInterval({ start: parseISO(from.slice(0, 10)), end: new Date() });
  const index = new Map(days.map((d, i) => [format(d, "yyyy-MM-dd"), i]));
  const series = new Map<string, number[]>();
  for (const r of revenue) {
    const values = series.get(r.currency) ?? days.map(() => 0);
    const at = index.get(r.day);
    if (at !== undefined) values[at] = (values[at] ?? 0) + majorUnits(r.amountMinor, r.currency);
    series.set(r.currency, values);
  }
  return { days, series };
}

function RevenueChart({ revenue, from }: { revenue: Revenue[]; from: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const { days, series } = chartData(revenue, from);
    const currencies = [...series.keys()];
    const plot = new uPlot(
      {
        width: box.current.clientWidth || 600,
        height: 260,
        series: [
          {},
          ...currencies.map((c, i) => ({ label: c, stroke: COLOURS[i % COLOURS.length], width: 2 })),
        ],
        axes: [{}, { size: 60 }],
        scales: { x: { time: true } },
      },
      [days.map((d) => d.getTime() / 1000), ...currencies.map((c) => series.get(c)!)],
      box.current,
    );
    return () => plot.destroy();
  }, [revenue, from]);
  return <div ref={box} className="chart" data-testid="revenue-chart" />;
}

export function OverviewPage() {
  const { api } = useConsole();
  const [days, setDays] = useState<number>(30);
  const stats = useQuery({
    queryKey: ["stats", days],
    queryFn: () => unwrap(api.GET("/api/v1/admin/stats", { params: { query: { days } } })),
    refetchInterval: 60_000,
  });
  const s = stats.data;
  const byCurrency = new Map<string, number>();
  for (const r of s?.revenue ?? [])
    byCurrency.set(r.currency, (byCurrency.get(r.currency) ?? 0) + r.amountMinor);
  return (
    <section>
      <header className="row">
        <h1>Overview</h1>
        <fieldset className="segmented" aria-label="Period">
          {RANGES.map((d) => (
            <button key={d} type="button" className={d === days ? "active" : ""} onClick={() => setDays(d)}>
              {d} days
            </button>
          ))}
        </fieldset>
      </header>
      {stats.error && <p className="error">{stats.error.message}</p>}
      {s && (
        <>
          <div className="cards">
            <Card
              label="Revenue (GBP equivalent)"
              value={money(s.revenueGbpMinor, "GBP")}
              testId="revenue-gbp"
            />
            <Card
              label="Revenue by currency"
              value={
                byCurrency.size
                  ? [...byCurrency].map(([c, minor]) => money(minor, c)).join(" · ")
                  : money(0, "GBP")
              }
            />
            <Card
              label="Active subscribers"
              value={`${s.activeSubscribers.premium + s.activeSubscribers.vip + s.activeSubscribers.enterprise}`}
              note={`Premium ${s.activeSubscribers.premium} · VIP ${s.activeSubscribers.vip} · Enterprise ${s.activeSubscribers.enterprise}`}
              testId="active-subscribers"
            />
            <Card label="New users" value={String(s.newUsers)} />
            <Card label="Churned" value={String(s.churned)} />
            <Card label="Devices online" value={String(s.devicesOnline)} />
            <Card
              label="Signals"
              value={String(s.signals.published)}
              note={`approved ${s.signals.approved} · filled ${s.signals.filled} · failed ${s.signals.failed}`}
            />
          </div>
          <h2>Revenue per day</h2>
          <RevenueChart revenue={s.revenue} from={s.from} />
        </>
      )}
    </section>
  );
}

function Card(props: { label: string; value: string; note?: string; testId?: string }) {
  return (
    <div className="card" data-testid={props.testId}>
      <div className="label">{props.label}</div>
      <div className="value">{props.value}</div>
      {props.note && <div className="note">{props.note}</div>}
    </div>
  );
}
