# The harness image that `npm run k8s` manifests run (one shard per pod, then the merge).
# Build: docker build -t <registry>/logmsg-harness:<version> .
# Not built in this project's CI: its machines have no Docker (see docs/scaling.md).
FROM node:20-bookworm-slim
WORKDIR /app
ENV PACT_DO_NOT_TRACK=true CI=true
COPY package.json package-lock.json ./
# tsx runs the TypeScript sources, so the whole dependency tree is the runtime; Pact's native core
# comes from the registry as a platform package (linux-x64 glibc here).
RUN npm ci && npm cache clean --force
COPY tsconfig.json ./
COPY src ./src
COPY scenarios ./scenarios
COPY pacts ./pacts
# /app is root's; the default command writes its run folder under /app/reports as the node user.
RUN mkdir -p /app/reports && chown node:node /app/reports
USER node
# node itself is PID 1, not npm: `docker stop` and a deleted pod's SIGTERM reach the harness, which
# stops sending and writes the partial result before it exits (130).
CMD ["node", "--import", "tsx", "src/cli/main.ts", "load", "scenarios/smoke.yml"]
