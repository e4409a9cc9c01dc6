#!/usr/bin/env python3
"""Writes a large, realistic Dockerfile (continuations, heredocs, JSON form, comments, flags) of
about SIZE megabytes to standard output, for the parser throughput benchmark. Deterministic."""
import random
import sys

size = int(float(sys.argv[1]) * 1024 * 1024) if len(sys.argv) > 1 else 50 * 1024 * 1024
rng = random.Random(42)
packages = ["curl", "ca-certificates", "git", "build-essential", "python3", "libssl-dev", "jq"]
blocks = [
    "# build stage {i}\nFROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build{i}\n",
    "ARG VERSION{i}=1.{i}\nENV GOFLAGS=-mod=readonly CGO_ENABLED=0 PATH=/go/bin:$PATH\n",
    "WORKDIR /src/app{i}\nCOPY --chown=app:app go.mod go.sum ./\n",
    "RUN --mount=type=cache,target=/root/.cache/go-build \\\n    go mod download && \\\n"
    "    go build -ldflags=\"-s -w -X main.version=${{VERSION{i}}}\" -o /out/app ./cmd/app\n",
    "RUN apt-get update \\\n && apt-get install -y --no-install-recommends {pkgs} \\\n"
    " && rm -rf /var/lib/apt/lists/*\n",
    "COPY <<EOF /etc/app{i}.conf\nname=app{i}\nlevel=debug\nEOF\n",
    "LABEL org.opencontainers.image.title=\"app {i}\" org.opencontainers.image.version=\"1.{i}\"\n",
    "EXPOSE 80{i2}/tcp\nHEALTHCHECK --interval=30s --timeout=3s CMD [\"wget\", \"-qO-\", \"http://localhost/\"]\n",
    "CMD [\"/out/app\", \"--port\", \"80{i2}\"]\n\n",
]
out = []
written = 0
i = 0
while written < size:
    for block in blocks:
        text = block.format(i=i, i2=i % 100, pkgs=" ".join(rng.sample(packages, 4)))
        out.append(text)
        written += len(text)
    i += 1
sys.stdout.write("".join(out))
