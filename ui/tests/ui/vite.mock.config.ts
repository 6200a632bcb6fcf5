// Bundles mock-backend.ts into one classic script that Playwright injects before the app.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

export default defineConfig({
  build: {
    outDir: fileURLToPath(new URL("../../.test-build/mock", import.meta.url)),
    emptyOutDir: true,
    lib: { entry: fileURLToPath(new URL("./mock-backend.ts", import.meta.url)), formats: ["iife"], name: "glossaMock", fileName: () => "mock.js" },
  },
});
