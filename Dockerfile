# The harness image that `npm run k8s` manifests run (one shard per pod, then the merge).
# Build: docker build -t <registry>/logmsg-harness:<version> .
# Not built in this project's CI: its machines have no Docker (see docs/kubernetes.md).
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
USER node
CMD ["npm", "run", "-s", "load", "--", "scenarios/smoke.yml"]
