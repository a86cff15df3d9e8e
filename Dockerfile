# syntax=docker/dockerfile:1
# Jotter's image: Node 24 on Debian slim, production dependencies only, running as the unprivileged
# `node` user, with the embedded database (when DATABASE_URL is unset) in the /data volume.
#
#   docker build -t jotter .
#   docker run -p 3000:3000 -v jotter-data:/data -e PUBLIC_URL=https://notes.example.com jotter

# Build: every dependency, to build the web app (when the checkout has one) into web/dist.
# Install scripts are skipped (the sources they would build from are not copied yet); the `node`
# devDependency, which only pins Node 24 on developers' machines, is dropped so that npm scripts
# run on the image's own Node 24.
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && rm -f node_modules/.bin/node
COPY . .
RUN npm run build:web --if-present && mkdir -p web/dist

# Production dependencies only; no install scripts run (none of them needs one).
FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force

FROM node:24-slim
WORKDIR /app
# Configuration comes from the environment; see README.md. Listening on every interface is what
# a container needs; put TLS in front (docs/operations.md).
ENV HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY src ./src
COPY --from=build /app/web/dist ./web/dist
# The code belongs to root and is read-only for the server; only /data is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Ready means the database answers (GET /readyz); the image has no curl, so Node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: Node is PID 1 and receives SIGTERM itself; `jotter serve` then stops accepting,
# finishes requests in flight and closes the database.
CMD ["node", "bin/jotter.js", "serve"]
