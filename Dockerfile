# Five9 Recording Pipeline — production image (Node 22 LTS: Node 20 is past end of life).
# Build: docker build -t recpipe .
# Run:   docker run -d --env-file .env -v recpipe-data:/data -p 127.0.0.1:9464:9464 recpipe

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 and ssh2 build native addons when no prebuilt binary can be fetched
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# everything, optional ones included: TypeScript's compiler is a native binary in an optional,
# per-platform package. The dev dependencies and the optional ones (the npm-shipped ffmpeg/ffprobe,
# ~140 MB, for machines without one; this image installs Debian's ffmpeg below, which also
# encodes GSM) are pruned after the build.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
# .dockerignore keeps src/emulators/, src/demo.ts and test/ out: production code never imports them
COPY src ./src
COPY streams ./streams
# the image runs the compiled JavaScript (dist/), about 50 MB less memory than the sources
# through tsx; no TypeScript source or dev dependency is left in it
RUN npm run build && npm prune --omit=dev --omit=optional --no-audit --no-fund

FROM node:22-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin

RUN groupadd --system recpipe && useradd --system --gid recpipe --home-dir /data recpipe \
 && mkdir -p /data && chown recpipe:recpipe /data
USER recpipe

ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=9464 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 9464

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||9464)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

# tini forwards SIGTERM to node so `docker stop` drains in-flight recordings
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/recpipe.js"]
CMD ["start"]
