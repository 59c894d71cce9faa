#!/usr/bin/env bash
# Replication benchmarks, opdis against a real redis-server on this machine
# (issue 5's figures):
#   1. redis-benchmark against a master with two replicas (plain and -P 16);
#   2. the time a new replica takes to full-sync a BENCH_SYNC_MB dataset
#      (1000-byte values), from REPLICAOF until its link is up.
#
# Environment: BENCH_ROUNDS (3), BENCH_N (100000), BENCH_NP (500000),
# BENCH_SYNC_MB (1024), BENCH_TESTS (set,get,incr,lpush,sadd,hset).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${BENCH_ROUNDS:-3}
N=${BENCH_N:-100000}
NP=${BENCH_NP:-500000}
SYNC_MB=${BENCH_SYNC_MB:-1024}
TESTS=${BENCH_TESTS:-set,get,incr,lpush,sadd,hset}

for tool in redis-server redis-cli redis-benchmark; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
mkdir -p bin
go build -o bin/opdis-server ./cmd/opdis-server

. scripts/benchlib.sh

# start kind name port [args...]: opdis or redis, data in $tmp/name.
start() {
	local kind=$1 name=$2 port=$3
	shift 3
	mkdir -p "$tmp/$name"
	local bin=redis-server
	[ "$kind" = opdis ] && bin=bin/opdis-server
	"$bin" --port "$port" --bind 127.0.0.1 --dir "$tmp/$name" --save '' --appendonly yes \
		--appendfsync everysec --repl-diskless-sync-delay 0 --enable-debug-command yes \
		--logfile "$tmp/$name.log" "$@" &
	pids+=($!)
	wait_up "$port"
}

wait_link() { # port: until master_link_status:up
	until redis-cli -p "$1" info replication | grep -q 'master_link_status:up'; do sleep 0.01; done
}


declare -A master
for kind in opdis redis; do
	m=$(free_port); start "$kind" "$kind-m" "$m"
	master[$kind]=$m
	for r in 1 2; do
		p=$(free_port); start "$kind" "$kind-r$r" "$p" --replicaof 127.0.0.1 "$m"
		wait_link "$p"
	done
done

echo "== 1. redis-benchmark against a master with two replicas ($ROUNDS rounds, medians)"
results="$tmp/rb.csv"
: >"$results"
for round in $(seq "$ROUNDS"); do
	for mode in plain p16; do
		for kind in opdis redis; do
			if [ "$mode" = plain ]; then args=(-n "$N"); else args=(-n "$NP" -P 16); fi
			redis-benchmark -p "${master[$kind]}" -c 50 -r 100000 -t "$TESTS" "${args[@]}" --csv 2>/dev/null |
				tail -n +2 | tr -d '"' | awk -F, -v s="$kind" -v m="$mode" '{print s","m","$1","$2}' >>"$results"
		done
	done
done
printf "%-8s %-6s %12s %12s %6s\n" test mode opdis redis ratio
for mode in plain p16; do
	for t in $(cut -d, -f3 "$results" | sort -u); do
		o=$(grep "^opdis,$mode,$t," "$results" | cut -d, -f4 | median)
		r=$(grep "^redis,$mode,$t," "$results" | cut -d, -f4 | median)
		printf "%-8s %-6s %12.0f %12.0f %6s\n" "$t" "$mode" "$o" "$r" "$(ratio "$o" "$r")"
	done
done

echo "== 2. full sync of a new replica, ${SYNC_MB} MB of 1000-byte values"
keys=$((SYNC_MB * 1048576 / 1000))
declare -A sync_ms
for kind in opdis redis; do
	m=${master[$kind]}
	redis-cli -p "$m" flushall >/dev/null
	redis-cli -p "$m" debug populate "$keys" key 1000 >/dev/null
	p=$(free_port); start "$kind" "$kind-new" "$p"
	t0=$(date +%s%N)
	redis-cli -p "$p" replicaof 127.0.0.1 "$m" >/dev/null
	wait_link "$p"
	t1=$(date +%s%N)
	sync_ms[$kind]=$(( (t1 - t0) / 1000000 ))
	echo "$kind: $(redis-cli -p "$p" dbsize) keys synced in ${sync_ms[$kind]} ms"
done
echo "full sync time ratio opdis/redis: $(ratio "${sync_ms[opdis]}" "${sync_ms[redis]}") (lower is better)"
