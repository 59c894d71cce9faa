#!/usr/bin/env bash
# Compare opdis-server with a real redis-server under redis-benchmark.
#
# Both servers run on free loopback ports; each round runs every test on
# opdis then on redis (A B A B ...), with and without -P 16, and the report
# gives the median requests/s of each and the ratio opdis/redis.
#
# Environment: BENCH_ROUNDS (3), BENCH_N (100000 requests per plain run),
# BENCH_NP (500000 per pipelined run), BENCH_CLIENTS (50), BENCH_PIPELINE (16),
# BENCH_TESTS (the redis-benchmark -t list; ZADD always runs).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${BENCH_ROUNDS:-3}
N=${BENCH_N:-100000}
NP=${BENCH_NP:-500000}
CLIENTS=${BENCH_CLIENTS:-50}
PIPELINE=${BENCH_PIPELINE:-16}
KEYSPACE=100000
TESTS=${BENCH_TESTS:-set,get,incr,lpush,lpop,sadd,hset}
ZADD=(zadd myzset __rand_int__ element:__rand_int__)

for tool in redis-server redis-cli redis-benchmark; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done

mkdir -p bin
go build -o bin/opdis-server ./cmd/opdis-server

tmp=$(mktemp -d)
opdis_pid=""
redis_pid=""
cleanup() {
	for pid in $opdis_pid $redis_pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# free_port prints a loopback port nothing listens on.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# wait_up waits until the server on port $1 answers PING (any reply).
wait_up() {
	for _ in $(seq 100); do
		case "$(redis-cli -p "$1" ping 2>/dev/null || true)" in
		*PONG* | *ERR*) return 0 ;;
		esac
		sleep 0.1
	done
	echo "bench: server on port $1 did not start" >&2
	exit 1
}

opdis_port=$(free_port)
mkdir -p "$tmp/opdis" "$tmp/redis"
bin/opdis-server --port "$opdis_port" --bind 127.0.0.1 --dir "$tmp/opdis" --save '' \
	--logfile "$tmp/opdis.log" &
opdis_pid=$!
wait_up "$opdis_port"

redis_port=$(free_port)
while [ "$redis_port" = "$opdis_port" ]; do redis_port=$(free_port); done
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp/redis" --save '' \
	--appendonly no --logfile "$tmp/redis.log" &
redis_pid=$!
wait_up "$redis_port"

results="$tmp/results.csv" # server,mode,test,rps
: >"$results"

# run_bench SERVER PORT MODE: one round of every test against one server.
run_bench() {
	local server=$1 port=$2 mode=$3 n=$N pipe=()
	if [ "$mode" = "P$PIPELINE" ]; then
		n=$NP
		pipe=(-P "$PIPELINE")
	fi
	# One invocation per test: redis-benchmark stops at the first error
	# reply (a command opdis does not have yet), and that must not hide the
	# others.
	{
		for t in ${TESTS//,/ }; do
			redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" "${pipe[@]}" -t "$t" --csv || true
		done
		redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" "${pipe[@]}" --csv "${ZADD[@]}" || true
	} 2>/dev/null | awk -F'","' -v s="$server" -v m="$mode" '
		NR > 0 && $1 != "\"test" && NF > 1 {
			t = substr($1, 2); sub(/ .*/, "", t); t = toupper(t)
			print s "," m "," t "," $2
		}' >>"$results"
}

echo "opdis on :$opdis_port (pid $opdis_pid), redis-server on :$redis_port (pid $redis_pid)"
echo "redis-benchmark -c $CLIENTS -r $KEYSPACE, $ROUNDS rounds; plain -n $N, pipelined -P $PIPELINE -n $NP"
for round in $(seq "$ROUNDS"); do
	for mode in plain "P$PIPELINE"; do
		echo "round $round/$ROUNDS, $mode: opdis"
		run_bench opdis "$opdis_port" "$mode"
		echo "round $round/$ROUNDS, $mode: redis"
		run_bench redis "$redis_port" "$mode"
	done
done

echo
awk -F, '
	{ key = $2 SUBSEP $3; vals[$1, key] = vals[$1, key] " " $4; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
	function median(s,   a, k, i, j, t) {
		k = split(s, a, " ")
		if (k == 0) return 0
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	END {
		printf "%-8s %-6s %14s %14s %8s\n", "mode", "test", "opdis rps", "redis rps", "ratio"
		for (i = 1; i <= n; i++) {
			split(order[i], p, SUBSEP)
			o = median(vals["opdis", order[i]]); r = median(vals["redis", order[i]])
			printf "%-8s %-6s %14s %14.0f %8s\n", p[1], p[2], (o > 0 ? sprintf("%.0f", o) : "n/a"), r, (o > 0 && r > 0 ? sprintf("%.2f", o / r) : "-")
		}
	}' "$results"
