import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";
import { applyPagePolicy } from "./security-headers";

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** An HTML fragment already escaped; `html` passes it through untouched. */
export interface Safe {
  readonly __html: string;
}

export const raw = (s: string): Safe => ({ __html: s });

type Value = string | number | Safe | Safe[] | null | undefined | false;

/**
 * The template tag of the server-rendered pages: every interpolated value is escaped unless it
 * is already `Safe` (another template's output), so a page cannot be built with an unescaped string.
 */
export function html(strings: TemplateStringsArray, ...values: Value[]): Safe {
  let out = strings[0]!;
  values.forEach((v, i) => {
    if (Array.isArray(v)) out += v.map((s) => s.__html).join("");
    else if (v && typeof v === "object") out += v.__html;
    else if (v !== null && v !== undefined && v !== false) out += escapeHtml(String(v));
    out += strings[i + 1]!;
  });
  return raw(out);
}

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1c1e21}
main{max-width:28rem;margin:10vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.4rem;margin:0 0 1rem}p{line-height:1.5}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}
dt{color:#606770}dd{margin:0}.button{display:inline-block;margin-top:1.2rem;padding:.7rem 1.2rem;border-radius:8px;background:#2481cc;color:#fff;text-decoration:none;font-weight:600}
.muted{color:#606770;font-size:.9rem}`;

/** A whole page: one inline style and, when given, one inline script, both allowed by a per-page nonce. */
export function page(opts: { title: string; body: Safe; script?: string }): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString("base64");
  const script = opts.script ? html`<script nonce="${nonce}">${raw(opts.script)}</script>` : "";
  const doc = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${opts.title} · signaldesk</title><style nonce="${nonce}">${raw(STYLE)}</style></head><body><main>${opts.body}</main>${script}</body></html>`;
  return { html: doc.__html, nonce };
}

/** Sends a page with a CSP that allows only its own nonce'd style and script and same-origin fetches. */
export function sendPage(reply: FastifyReply, status: number, built: { html: string; nonce: string }) {
  applyPagePolicy(reply, built.nonce);
  return reply
    .status(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(built.html);
}
