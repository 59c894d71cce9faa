#!/usr/bin/env bash
# Install the Redis tools the tests and the benchmark use (Debian packages
# redis-server, redis-tools, redis-sentinel: Redis 7.0 on Debian 12), unless
# they are already there.
set -euo pipefail

missing=()
for tool in redis-server redis-cli redis-sentinel redis-benchmark; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

echo "install-deps: missing ${missing[*]}; installing redis-server redis-tools redis-sentinel"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
	sudo=(sudo)
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server redis-tools redis-sentinel

# On a machine running systemd the packages start system services on
# 127.0.0.1:6379 and :26379; the tests start their own servers on free
# ports, and `make run` wants 6379, so stop and disable those services.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
	"${sudo[@]}" systemctl disable --now redis-server.service redis-sentinel.service >/dev/null 2>&1 || true
fi
