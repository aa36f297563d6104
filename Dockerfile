# Image for docker-compose.yml (first version; see README.md).
FROM node:20-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends docker.io docker-registry debootstrap iptables btrfs-progs \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN node --import tsx scripts/build-client.ts
CMD ["node", "bin/shiplab.mjs", "start"]
