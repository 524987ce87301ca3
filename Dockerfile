# pix-stream image. Three stages so the runtime image holds only what `node
# dist/src/main.js` needs: production node_modules, the compiled JavaScript and
# the migration files the app applies at start. No compiler, no dev tools.
#
# Build and run with Postgres: `docker compose up --build` (see docker-compose.yml).
# The container expects DATABASE_URL: without it the app would try to start its
# embedded PostgreSQL, which is meant for `npm start` on a laptop, not for a
# container (and fails here, as /app is not writable by the runtime user).

# --- deps: production dependencies only -------------------------------------
# A stage of its own (rather than `npm prune` after the build) so it is cached
# on package*.json alone and built in parallel with the `build` stage.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the lockfile, without devDependencies. Install scripts stay on: the
# embedded-postgres platform package's postinstall only restores symlinks of
# binaries that are never started in a container, so it is harmless.
RUN npm ci --omit=dev --no-audit --no-fund

# --- build: compile TypeScript with the full dependency tree ----------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# tsconfig.build.json compiles src/ and bench/ into dist/src and dist/bench.
COPY tsconfig.json tsconfig.build.json ./
COPY src/ src/
COPY bench/ bench/
COPY migrations/ migrations/
COPY seeders/ seeders/
COPY config/ config/
COPY .sequelizerc ./
RUN npm run build

# --- runtime ----------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime
# Production mode for Express and every library that looks at it.
ENV NODE_ENV=production
WORKDIR /app
# Owned by `node`, the unprivileged user the official image ships (uid 1000).
COPY --chown=node:node --from=deps /app/node_modules ./node_modules
COPY --chown=node:node --from=build /app/dist ./dist
# The app finds its root by package.json and applies migrations/*.js at start;
# seeders/, config/ and .sequelizerc let `npx sequelize-cli db:seed:all` (or
# db:migrate) run inside the container against the same DATABASE_URL.
COPY --chown=node:node package.json ./
COPY --chown=node:node migrations/ migrations/
COPY --chown=node:node seeders/ seeders/
COPY --chown=node:node config/ config/
COPY --chown=node:node .sequelizerc ./
# Never run as root.
USER node
EXPOSE 3000
# /ready answers 200 only when the database does. The slim image has no curl,
# so Node's own fetch asks; it honours PORT if the port was changed. The start
# period covers waiting for Postgres and applying migrations.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ready',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Exec form, no npm or shell in between: node is PID 1 and receives SIGTERM
# itself, so `docker stop` gets the graceful shutdown (waiting long polls
# answered 204 + Pull-Next, in-flight requests finished, pool closed).
CMD ["node", "dist/src/main.js"]
