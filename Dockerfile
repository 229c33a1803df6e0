# syntax=docker/dockerfile:1
# One image for both roles: APP_ROLE=api (HTTP) or APP_ROLE=worker (BullMQ processors).
#   docker build -t makebuy .
#   docker run -e APP_ROLE=api -e AUTH_JWT_SECRET=... -p 3000:3000 makebuy
ARG NODE_IMAGE=node:20-bookworm-slim

# All dependencies, for the build.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# Compile TypeScript into dist/ (tsc + tsc-alias).
FROM deps AS build
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY config ./config
COPY libs ./libs
COPY apps ./apps
RUN npm run build

# Production dependencies only.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the app runs as `node` and cannot rewrite its own code.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Policy data (periods, quorum, flag thresholds), read at boot.
COPY config ./config
USER node
EXPOSE 3000
# For the api role. The worker has no HTTP listener: docker-compose.yml disables this
# check for it (run the worker elsewhere the same way, e.g. --no-healthcheck).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/main.js"]
