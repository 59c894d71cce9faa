#!/usr/bin/env bash
# Persistence benchmarks, opdis against a real redis-server on this machine
# (issue 3's figures), as ratios:
#   1. redis-benchmark with appendonly yes, appendfsync everysec (plain and -P 16);
#   2. AOF load: restart each server on the AOF of the same writes, MB/s and entries/s;
#   3. a snapshot of BENCH_KEYS keys: BGSAVE wall time and the longest PING a client
#      sees while it runs (scripts/saveprobe).
#
# Environment: BENCH_ROUNDS (3), BENCH_N (100000), BENCH_NP (500000),
# BENCH_KEYS (1000000), BENCH_TESTS (set,get,incr,lpush,sadd,hset).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${BENCH_ROUNDS:-3}
N=${BENCH_N:-100000}
NP=${BENCH_NP:-500000}
KEYS=${BENCH_KEYS:-1000000}
TESTS=${BENCH_TESTS:-set,get,incr,lpush,sadd,hset}

for tool in redis-server redis-cli redis-benchmark; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
mkdir -p bin
go build -o bin/opdis-server ./cmd/opdis-server
go build -o bin/saveprobe ./scripts/saveprobe

. scripts/benchlib.sh

# start name port: start opdis or redis with appendonly yes/everysec in $tmp/name.
start() {
	local name=$1 port=$2
	mkdir -p "$tmp/$name"
	if [ "$name" = opdis ]; then
		bin/opdis-server --port "$port" --bind 127.0.0.1 --dir "$tmp/$name" --save '' \
			--appendonly yes --appendfsync everysec --logfile "$tmp/$name.log" &
	else
		redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp/$name" --save '' \
			--appendonly yes --appendfsync everysec --logfile "$tmp/$name.log" &
	fi
	pids+=($!)
	last_pid=$!
}

stop() { redis-cli -p "$1" shutdown nosave >/dev/null 2>&1 || true; wait "$2" 2>/dev/null || true; }


op=$(free_port); start opdis "$op"; opid=$last_pid; wait_up "$op"
rp=$(free_port); while [ "$rp" = "$op" ]; do rp=$(free_port); done
start redis "$rp"; rpid=$last_pid; wait_up "$rp"

echo "== 1. redis-benchmark, appendonly yes appendfsync everysec ($ROUNDS rounds, medians)"
results="$tmp/rb.csv"
: >"$results"
for round in $(seq "$ROUNDS"); do
	for mode in plain p16; do
		for srv in opdis redis; do
			port=$op; [ "$srv" = redis ] && port=$rp
			if [ "$mode" = plain ]; then args=(-n "$N"); else args=(-n "$NP" -P 16); fi
			redis-benchmark -p "$port" -c 50 -r 100000 -t "$TESTS" "${args[@]}" --csv 2>/dev/null |
				tail -n +2 | tr -d '"' | awk -F, -v s="$srv" -v m="$mode" '{print s","m","$1","$2}' >>"$results"
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

echo "== 2. AOF load of the same $KEYS SETs"
for srv in opdis redis; do
	port=$op; [ "$srv" = redis ] && port=$rp
	redis-cli -p "$port" flushall >/dev/null
done
stop "$op" "$opid"; stop "$rp" "$rpid"
rm -rf "$tmp/opdis" "$tmp/redis"
start opdis "$op"; opid=$last_pid; wait_up "$op"
start redis "$rp"; rpid=$last_pid; wait_up "$rp"
for srv in opdis redis; do
	port=$op; [ "$srv" = redis ] && port=$rp
	redis-benchmark -p "$port" -c 50 -P 64 -t set -n "$KEYS" -r 1000000000 -d 64 -q >/dev/null 2>&1
done
sleep 1.5 # everysec: let the last writes reach the files
declare -A load_ms size_b
for srv in opdis redis; do
	port=$op; pid=$opid; [ "$srv" = redis ] && { port=$rp; pid=$rpid; }
	dbsize=$(redis-cli -p "$port" dbsize)
	kill -9 "$pid"; wait "$pid" 2>/dev/null || true
	if [ "$srv" = opdis ]; then
		size_b[$srv]=$(cat "$tmp/opdis"/*.aof | wc -c)
	else
		size_b[$srv]=$(cat "$tmp/redis"/appendonlydir/*.aof | wc -c)
	fi
	t0=$(date +%s%N)
	start "$srv" "$port"; wait_up "$port"
	t1=$(date +%s%N)
	[ "$srv" = opdis ] && opid=$last_pid || rpid=$last_pid
	load_ms[$srv]=$(( (t1 - t0) / 1000000 ))
	echo "$srv: $dbsize keys, AOF ${size_b[$srv]} bytes, start+load ${load_ms[$srv]} ms," \
		"$(awk -v b="${size_b[$srv]}" -v ms="${load_ms[$srv]}" 'BEGIN {printf "%.0f MB/s", b/1048576/(ms/1000)}'),"\
		"$(awk -v n="$KEYS" -v ms="${load_ms[$srv]}" 'BEGIN {printf "%.0f entries/s", n/(ms/1000)}')"
done
echo "load time ratio opdis/redis: $(ratio "${load_ms[opdis]}" "${load_ms[redis]}") (lower is better)"

echo "== 3. snapshot of the dataset (BGSAVE) while a client PINGs"
for srv in opdis redis; do
	port=$op; [ "$srv" = redis ] && port=$rp
	echo "$srv ($(redis-cli -p "$port" dbsize) keys): $(bin/saveprobe -addr 127.0.0.1:"$port")"
done
