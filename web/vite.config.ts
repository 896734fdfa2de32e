import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Two pages from one build: the operator console (/console) and the subscriber Mini App (/app).
 * Every script and style becomes a hashed file under /assets/, none inline, so the server's
 * Content-Security-Policy can forbid inline code (`script-src 'self'`).
 */
export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir: here("dist"),
    emptyOutDir: true,
    assetsDir: "assets",
    // No inlined data: URLs for fonts or images: the CSP allows data: images only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: { console: here("console/index.html"), app: here("app/index.html") },
      // React Query marks its modules "use client" (for React Server Components): meaningless here.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});
