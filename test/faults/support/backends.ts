import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "../../support/process";

/**
 * The fault suite's own PostgreSQL cluster and Redis server, on free ports: the suite stops and
 * restarts them, which it must never do to the shared servers on 5432 and 6379.
 */

/** initdb and pg_ctl: FAULTS_PG_BIN, else Debian's newest installed server (15 on CI). */
const PG_BIN =
  process.env.FAULTS_PG_BIN ??
  (existsSync("/usr/lib/postgresql")
    ? (readdirSync("/usr/lib/postgresql")
        .filter((v) => existsSync(path.join("/usr/lib/postgresql", v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join("/usr/lib/postgresql", v, "bin"))[0] ?? "/usr/lib/postgresql/15/bin")
    : "/usr/lib/postgresql/15/bin");
/** PostgreSQL refuses to run as root: the cluster belongs to `postgres` then. */
const asRoot = process.getuid?.() === 0;

function pgCommand(tool: string, args: string[]): void {
  const bin = path.join(PG_BIN, tool);
  if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", bin, ...args], { stdio: "pipe" });
  else execFileSync(bin, args, { stdio: "pipe" });
}

export class OwnPostgres {
  port = 0;
  private dir = "";

  get dataDir(): string {
    return path.join(this.dir, "data");
  }

  url(port = this.port, database = "signaldesk"): string {
    return `postgres://postgres@127.0.0.1:${port}/${database}`;
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(tmpdir(), "sd-faults-pg-"));
    if (asRoot) {
      const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
      const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
      chownSync(this.dir, uid, gid);
    }
    this.port = await freePort();
    pgCommand("initdb", ["-D", this.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    this.run();
    const admin = new pg.Client({ connectionString: this.url(this.port, "postgres") });
    await admin.connect();
    await admin.query("create database signaldesk");
    await admin.end();
  }

  /** Starts the server on the cluster (again), waiting until it accepts connections. */
  run(): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses=127.0.0.1",
      // A throwaway cluster: durability costs time the suite has no use for.
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    pgCommand("pg_ctl", ["-D", this.dataDir, "-o", options, "-l", path.join(this.dir, "log"), "-w", "start"]);
  }

  /** A fast shutdown: sessions are terminated, clients see their connections end. */
  halt(): void {
    pgCommand("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "stop"]);
  }

  async stop(): Promise<void> {
    if (!this.dir) return;
    try {
      pgCommand("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]);
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = "";
  }
}

export class OwnRedis {
  port = 0;
  private child: ChildProcess | undefined;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const child = spawn(
      process.env.FAULTS_REDIS_SERVER ?? "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    this.child = child;
    const until = Date.now() + 15_000;
    while (!(await this.answers())) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (Date.now() > until) throw new Error("redis-server did not answer within 15 s");
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGKILL: every connection drops and everything in memory (nonces, counters) is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: this.port });
      let reply = "";
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (d: Buffer) => {
        reply += d.toString();
        if (reply.includes("\r\n")) {
          socket.destroy();
          resolve(reply.startsWith("+PONG"));
        }
      });
      socket.on("error", () => resolve(false));
    });
  }
}
