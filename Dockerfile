# syntax=docker/dockerfile:1
# catchall in a container: SMTP on 1025, HTTP (API and inbox) on 8025, mail kept in /data.
#   docker build -t catchall .
#   docker run --rm -p 127.0.0.1:1025:1025 -p 127.0.0.1:8025:8025 -v catchall-data:/data catchall
# Extra arguments are passed to catchall, e.g. `docker run ... catchall --verbose`.

# --- build: compile src/ to dist/, keep production dependencies; better-sqlite3 compiles its
# native addon here.
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Compile better-sqlite3 from source against the headers that ship with this Node (/usr/local),
# so the build needs only the npm registry: no prebuilt-binary or header downloads.
ENV npm_config_build_from_source=better-sqlite3 \
    npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN node scripts/ensure-built.mjs --always && npm prune --omit=dev && npm cache clean --force

# --- runtime: no compiler, runs as the unprivileged `node` user.
FROM node:20-bookworm-slim
ENV CATCHALL_SMTP=0.0.0.0:1025 \
    CATCHALL_LISTEN=0.0.0.0:8025 \
    CATCHALL_DATABASE=/data/catchall.db
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY web ./web
# The volume is created from this folder, so a new named volume is owned by `node` too.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
# 1025 SMTP (STARTTLS), 8025 HTTP; 1465 is for SMTPS when started with --smtps 0.0.0.0:1465.
EXPOSE 1025 8025 1465
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8025/livez').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The compiled JavaScript, as `npm start` runs it. Node is PID 1 and handles SIGTERM itself: open
# SMTP transactions finish, the database closes. The same V8 flags as `npm start`
# (package.json): the heap flags keep catchall under 200 MB resident with 100,000 stored
# messages, and one V8 helper thread instead of four speeds up 2 KB ingest (bench/README.md).
ENTRYPOINT ["node", "--max-old-space-size=1024", "--max-semi-space-size=8", "--v8-pool-size=1", "dist/main.js"]
