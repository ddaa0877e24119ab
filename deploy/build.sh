#!/bin/sh
# Builds envoybot as a static binary with its version stamped in: the one
# build step of the Dockerfile, and what to run on a build machine for a
# single VM (copy dist/envoybot to /usr/local/bin). Usage:
#
#   deploy/build.sh [OUT_DIR]              (default dist)
#   VERSION=v1.4.0 deploy/build.sh         (default: git describe, else dev)
#
# In mainland China set the module proxy first (docs/DEPLOY.md):
#   export GOPROXY=https://goproxy.cn,direct GOSUMDB=sum.golang.google.cn
set -eu
out=${1:-dist}
cd "$(dirname "$0")/.."
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
COMMIT=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}
mkdir -p "$out"
CGO_ENABLED=0 go build -trimpath -buildvcs=false \
	-ldflags "-s -w -X main.version=$VERSION -X main.commit=$COMMIT" \
	-o "$out/envoybot" ./cmd/envoybot
# A cross build (GOARCH=arm64 for Kunpeng) cannot run here.
if [ "$(go env GOARCH)" = "$(go env GOHOSTARCH)" ] && [ "$(go env GOOS)" = "$(go env GOHOSTOS)" ]; then
	"$out/envoybot" version
fi
