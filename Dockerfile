# syntax=docker/dockerfile:1
#
# One image for every Gatehouse service; the command chooses which one runs:
#   docker run gatehouse worker --health-port 8081 | api | slack-app | gateway | audit verify <id> ...
#
# The sources run through tsx, exactly as bin/gatehouse.js runs them in development, tests and
# CI: tsx is a production dependency and bin/gatehouse.js loads cli/main.ts through it. A compiled
# dist/ (npm run build) is not used because:
#   - `npm run build` needs typescript, a devDependency that `npm ci --omit=dev` leaves out, and
#     bin/gatehouse.js (the `gatehouse` command) loads cli/main.ts, not dist/;
#   - gatehouse.yaml starts stdio upstreams from the sources the same way
#     (node node_modules/tsx/dist/cli.mjs mcp-servers/snowflake/main.ts, relative to /app);
#   - the worker bundles workflows/ (webpack + swc, from @temporalio/worker) at start either way.
# The cost is a second or two of transpiling at start (cached in the container's /tmp).
#
# Debian (glibc), not Alpine: @temporalio/core-bridge, @swc/core and @duckdb/node-api ship
# glibc binaries.
FROM node:20-bookworm-slim

# snowflake-sdk probes cloud metadata endpoints (AWS, Azure, GCP) for telemetry when it is loaded;
# a PHI broker does not need that.
ENV NODE_ENV=production \
    GATEHOUSE_STATE_DIR=/var/lib/gatehouse \
    GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.yaml \
    SNOWFLAKE_DISABLE_PLATFORM_DETECTION=true

WORKDIR /app

# Dependencies first, so a source change does not reinstall them.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

COPY . .

# `gatehouse` on PATH; a state folder the unprivileged user owns (archives of the folder store,
# mounted as a volume in docker-compose.yml); gatehouse.yaml is mounted at /etc/gatehouse.
# The last step fails the build if the command cannot load with production dependencies only.
RUN chmod 0755 bin/gatehouse.js \
 && ln -s /app/bin/gatehouse.js /usr/local/bin/gatehouse \
 && mkdir -p /var/lib/gatehouse/archives /var/lib/gatehouse/keys /etc/gatehouse \
 && chown -R node:node /var/lib/gatehouse \
 && gatehouse --help > /dev/null

USER node

# Every service handles SIGTERM (graceful shutdown: the worker lets activities finish, the
# gateway records the end of every session). Give them time: stop_grace_period in compose.
STOPSIGNAL SIGTERM
ENTRYPOINT ["gatehouse"]
CMD ["--help"]
