# smsim in a container: the CLI as the entrypoint, run as the unprivileged `node` user.
# Build: docker build -t smsim:0.1.0 .   Use: docker run --rm smsim:0.1.0 run scenarios/default.yaml
# Scale-out recipe (a Kubernetes Indexed Job, one shard set per pod, then `smsim merge`):
# docs/scale-out.md and deploy/k8s/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY proto ./proto
COPY simulator ./simulator
COPY wire ./wire
COPY harness ./harness
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY proto ./proto
COPY scenarios ./scenarios
COPY --from=build /app/schema ./schema
USER node
ENTRYPOINT ["node", "dist/harness/cli/main.js"]
CMD ["--help"]
