import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist', import.meta.url))

// The build lands in ../dist, which the Go package api/web embeds. The
// directory is emptied on each build; .gitkeep is written back so a clean
// checkout (and git status) keep it.
export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components (and v-loading) are imported where a template
    // uses them, so each page's chunk carries only its own; the styles stay
    // one sheet (main.ts), which also serves ElMessage and ElMessageBox.
    Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
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
