# syntax=docker/dockerfile:1
# Production image of the lobby server: compiled JavaScript on Node 24, no dev dependencies,
# running as the unprivileged `node` user. Build: `docker build -t lobby-server .`

ARG NODE_IMAGE=node:24-bookworm-slim

# --- dependencies: installed from the lockfile; postinstall generates the Prisma client ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci

# --- build: TypeScript -> dist/, then drop dev dependencies ---
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY server ./server
COPY shared ./shared
# The player web client (/play): bundled with esbuild into web/play/dist.
COPY web ./web
COPY scripts/build-play.ts ./scripts/build-play.ts
RUN npm run build && npm run build:play && npm prune --omit=dev

# --- runtime ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=2567 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/server/admin-ui ./dist/server/admin-ui
COPY --from=build --chown=root:root /app/web/play/index.html /app/web/play/app.css ./dist/web/play/
COPY --from=build --chown=root:root /app/web/play/dist ./dist/web/play/dist
# The migration runner reads prisma/migrations next to dist/ (`node dist/server/db/migrate-cli.js`).
COPY --from=build --chown=root:root /app/prisma ./prisma
# Code stays root-owned and read-only to the server; only its data directory is writable.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 2567
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||2567)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form): it drains rooms and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
