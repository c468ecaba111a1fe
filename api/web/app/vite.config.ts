import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist', import.meta.url))

// The build lands in ../dist, which the Go package api/web embeds. The
// directory is emptied on each build; .gitkeep is written back so a clean
// checkout (and git status) keep it.
export default defineConfig({
  plugins: [
    vue(),
    {
      name: 'renda-keep-gitkeep',
      closeBundle() {
        mkdirSync(dist, { recursive: true })
        writeFileSync(`${dist}/.gitkeep`, '')
      },
    },
  ],
  build: {
    outDir: dist,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
  },
})
