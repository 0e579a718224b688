# syntax=docker/dockerfile:1
# netsec: dashboard and CLI. Multi-stage: the build stage compiles the server and the web UI,
# the runtime stage holds only production dependencies and the compiled output.
# docs/deployment.md explains how to build, run and deploy it.

# Pinned by tag; pin by digest as well in your own registry mirror.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts run later, once the sources they build are present.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm rebuild better-sqlite3 \
 && npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    NETSEC_DB=/data/netsec.db \
    TMPDIR=/tmp
WORKDIR /app
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
# The gRPC sources load their .proto files at run time.
COPY --from=build /src/src/sources/hubble-relay/proto ./src/sources/hubble-relay/proto
COPY --from=build /src/src/sources/goldmane/proto ./src/sources/goldmane/proto
# Everything above belongs to root and is read-only for the app user; only /data is writable
# (a volume), and /tmp (an emptyDir in Kubernetes), so the root filesystem can be read-only.
RUN mkdir -p /data && chown 10001:10001 /data && chmod 0750 /data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# No curl in the slim image: node asks /healthz itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/netsec"]
CMD ["serve"]
