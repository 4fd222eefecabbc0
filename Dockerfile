# syntax=docker/dockerfile:1
# Build stage: compiles better-sqlite3 from source and the TypeScript to dist/.
FROM node:20-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# Run stage: the compiled app, production dependencies and migrations, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATABASE_PATH=/data/scrutiny.sqlite
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Migrations are applied when the server opens the database at start.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The server's bundle (npm run build:server). No pretenuring: V8 otherwise moves each request's
# short-lived rows straight to the old generation, where they pile up as garbage (about 60 MB of
# resident memory under report load) until a full collection. A young generation of 16 MB
# semi-spaces: an agenda-pack document of a thousand rows lives through a 4 MB one's
# collections and was copied, then promoted, by each (40 ms of processor time a tracker, not 22).
# A 160 MB old generation: the live heap is 30-45 MB and a 6 MB minutes import parses in ~46 MB;
# raise it with IMPORT_BODY_LIMIT_BYTES (past it the process stops rather than slows). Below a
# 256 MB maximum V8 lets the old generation grow by at most 0.3 times its live size before it
# starts marking for the next full collection: ~13 MB at a 45 MB live heap, which the tracker's
# requests add within some tens of them, so a full collection fell in one request in 25-40.
# --heap-growing-percent=100 lets it grow by the live size again (docs/performance.md).
CMD ["node", "--enable-source-maps", "--max-semi-space-size=16", "--max-old-space-size=160", "--heap-growing-percent=100", "--no-allocation-site-pretenuring", "dist/server/server.js"]
