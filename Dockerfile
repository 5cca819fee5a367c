# syntax=docker/dockerfile:1
# Ferry's container images: one Dockerfile, two targets that share every layer but their last.
#
#   docker build --target web    -t ferry-web .      # dashboard + REST API (Next.js standalone server, :3000)
#   docker build --target worker -t ferry-worker .   # replication worker (/healthz /readyz /metrics on :9464)
#
# Both images carry the `ferry` CLI (`ferry db migrate`, `ferry run mm2.properties`, `ferry offsets …`); the web
# image also the demo seed docker-compose.yml runs. Both run as
# the unprivileged `node` user (uid 1000) and start Node directly in exec form, so SIGTERM reaches Node (PID 1,
# which installs its own handler): the worker drains (finishes open transactions, hands its tasks back) and
# exits 0. Checked without Docker by deploy/test/dockerfile.test.ts (see README "Deploying").

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_audit=false \
    npm_config_fund=false
WORKDIR /app

# Every workspace's manifest, so `npm ci` sees the workspace tree the lock file describes.
FROM base AS manifests
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/engine/package.json packages/engine/
COPY packages/testkit/package.json packages/testkit/
COPY packages/cli/package.json packages/cli/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY bench/package.json bench/
COPY deploy/package.json deploy/
COPY e2e/package.json e2e/

# Production dependencies only. The worker image gets what the worker and the CLI import (about 100 MB); the web
# image every workspace's, because the demo seed it also runs uses the web app's auth library. Install scripts
# stay off, as in the repository (nothing Ferry uses needs one; bullmq's msgpackr falls back to JavaScript).
FROM manifests AS worker-deps
RUN npm ci --omit=dev --ignore-scripts --workspace @ferry/worker --workspace @ferry/cli

FROM manifests AS prod-deps
RUN npm ci --omit=dev --ignore-scripts

# The web app's build: dev dependencies (TypeScript, types) are needed by `next build` only.
FROM manifests AS build
RUN npm ci --include=dev --ignore-scripts
COPY tsconfig.base.json ./
COPY packages packages
COPY apps/web apps/web
WORKDIR /app/apps/web
RUN FERRY_NEXT_STANDALONE=1 node ../../node_modules/next/dist/bin/next build

# What both images run from: the TypeScript sources Node 24 runs by type stripping (no build step), the CLI on
# PATH and the health check. Each image adds its own node_modules.
FROM base AS runtime
COPY packages packages
COPY apps/worker apps/worker
COPY deploy/docker deploy/docker
RUN ln -s /app/packages/cli/bin/ferry.js /usr/local/bin/ferry && chmod 0755 packages/cli/bin/ferry.js
STOPSIGNAL SIGTERM

FROM runtime AS worker
COPY --from=worker-deps /app /app
USER node
# Bind the health and metrics server to every interface of the container (the default is loopback).
ENV FERRY_WORKER_HOST=0.0.0.0 \
    FERRY_WORKER_PORT=9464
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.mjs", "worker"]
CMD ["node", "apps/worker/src/main.ts"]

FROM runtime AS web
COPY --from=prod-deps /app /app
# The demo seed (docker-compose.yml's demo profile runs it from this image).
COPY apps/web/lib apps/web/lib
COPY apps/web/scripts apps/web/scripts
COPY scripts/seed-demo-flow.ts scripts/demo-producer.ts scripts/
COPY --from=build /app/apps/web/.next/standalone /app/web
COPY --from=build /app/apps/web/.next/static /app/web/apps/web/.next/static
USER node
ENV PORT=3000 \
    HOSTNAME=0.0.0.0
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/docker/healthcheck.mjs", "web"]
CMD ["node", "/app/web/apps/web/server.js"]
