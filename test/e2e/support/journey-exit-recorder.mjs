// Preloaded into the journey's server processes (NODE_OPTIONS=--import): appends how each Node
// process of `npm start` exits, so the test can read the server's own exit code even though the
// server is npm's grandchild (npm → sh → node) and npm's status is the shell's, not the server's.
import { appendFileSync } from "node:fs";

const file = process.env.SIGNALDESK_E2E_EXIT_LOG;
if (file) {
  process.on("exit", (code) => {
    appendFileSync(file, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(1), code })}\n`);
  });
}
