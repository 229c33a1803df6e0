// The console is a client of the public API like any other: built to dist/console and
// served by the API process at /console.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/console/',
  resolve: {
    // nhsuk-frontend's CSS points at its icons as /assets/images/...: bundle them from the package
    alias: [
      {
        find: /^\/assets\/images\//,
        replacement: fileURLToPath(new URL('../../node_modules/nhsuk-frontend/dist/nhsuk/assets/images/', import.meta.url)),
      },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    rollupOptions: {
      // React Server Components' "use client" markers mean nothing in a client-only bundle
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    // nhsuk-frontend ships minified CSS with IE hacks (\0) that lightningcss refuses to re-minify
    cssMinify: false,
    chunkSizeWarningLimit: 2000,
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
