// Builds the operator console and the subscriber Mini App (web/) into web/dist with Vite.
// Called by the prepare step; `npm run build:web` runs the same build.
import { fileURLToPath } from "node:url";

export async function buildWeb() {
  let vite;
  try {
    vite = await import("vite");
  } catch {
    throw new Error(
      "vite is not installed (an install without dev dependencies): /console and /app will answer 503",
    );
  }
  const configFile = fileURLToPath(new URL("../web/vite.config.ts", import.meta.url));
  await vite.build({ configFile, logLevel: "warn" });
  return fileURLToPath(new URL("../web/dist", import.meta.url));
}
