#!/usr/bin/env bash
# Compare opdis-server with a real redis-server under redis-benchmark.
#
# Both servers run on free loopback ports; each round runs every test on
# opdis then on redis (A B A B ...), with and without -P 16, and the report
# gives the median requests/s of each and the ratio opdis/redis, and the
# median server CPU time per request (user+sys, from /proc; less disturbed
# than requests/s by other load on the machine).
#
# Environment: BENCH_ROUNDS (3), BENCH_N (100000 requests per plain run),
# BENCH_NP (500000 per pipelined run), BENCH_CLIENTS (50), BENCH_PIPELINE (16),
# BENCH_TESTS (the redis-benchmark -t list, or none; ZADD always runs), BENCH_MODES
# ("plain P16"), BENCH_B (a second opdis-server binary: it runs too, in
# alternation with the first, as "opdis-b", and gets its own ratio column).
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

MODES=${BENCH_MODES:-plain P$PIPELINE}
B=${BENCH_B:-}

tmp=$(mktemp -d)
opdis_pid=""
redis_pid=""
b_pid=""
cleanup() {
	for pid in $opdis_pid $redis_pid $b_pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

# free_port prints a loopback port nothing listens on, below Linux's
# ephemeral range (32768 up): a port a client connection holds there
# cannot be bound, so the server would fail to start.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

# wait_up PORT PID LOG waits until the server on PORT answers PING (any
# reply); if its process PID exits first, the end of LOG says why.
wait_up() {
	for _ in $(seq 300); do
		case "$(redis-cli -p "$1" ping 2>/dev/null || true)" in
		*PONG* | *ERR*) return 0 ;;
		esac
		if ! kill -0 "$2" 2>/dev/null; then
			echo "bench: server on port $1 exited:" >&2
			tail -5 "$3" >&2 || true
			exit 1
		fi
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
wait_up "$opdis_port" "$opdis_pid" "$tmp/opdis.log"

b_port=""
if [ -n "$B" ]; then
	b_port=$(free_port)
	while [ "$b_port" = "$opdis_port" ]; do b_port=$(free_port); done
	mkdir -p "$tmp/b"
	"$B" --port "$b_port" --bind 127.0.0.1 --dir "$tmp/b" --save '' --logfile "$tmp/b.log" &
	b_pid=$!
	wait_up "$b_port" "$b_pid" "$tmp/b.log"
fi

redis_port=$(free_port)
while [ "$redis_port" = "$opdis_port" ] || [ "$redis_port" = "$b_port" ]; do redis_port=$(free_port); done
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$tmp/redis" --save '' \
	--appendonly no --logfile "$tmp/redis.log" &
redis_pid=$!
wait_up "$redis_port" "$redis_pid" "$tmp/redis.log"

results="$tmp/results.csv" # server,mode,test,rps,cpu ns per request
: >"$results"

# cpu_ticks PID: user+sys clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_bench SERVER PORT PID MODE: one round of every test against one server.
run_bench() {
	local server=$1 port=$2 pid=$3 mode=$4 n=$N pipe=() t before line
	if [ "$mode" = "P$PIPELINE" ]; then
		n=$NP
		pipe=(-P "$PIPELINE")
	fi
	# One invocation per test: redis-benchmark stops at the first error
	# reply (a command opdis does not have yet), and that must not hide the
	# others.
	for t in ${TESTS//,/ } zadd; do
		[ "$t" = none ] && continue
		before=$(cpu_ticks "$pid")
		if [ "$t" = zadd ]; then
			line=$(redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" "${pipe[@]}" --csv "${ZADD[@]}" 2>/dev/null | tail -1 || true)
		else
			line=$(redis-benchmark -p "$port" -c "$CLIENTS" -n "$n" -r "$KEYSPACE" "${pipe[@]}" -t "$t" --csv 2>/dev/null | tail -1 || true)
		fi
		echo "$line" | awk -F'","' -v s="$server" -v m="$mode" -v n="$n" -v ticks=$(($(cpu_ticks "$pid") - before)) -v hz="$(getconf CLK_TCK)" '
			$1 != "\"test" && NF > 1 {
				t = substr($1, 2); sub(/ .*/, "", t); t = toupper(t)
				print s "," m "," t "," $2 "," ticks * 1e9 / hz / n
			}' >>"$results"
	done
}

echo "opdis on :$opdis_port (pid $opdis_pid), redis-server on :$redis_port (pid $redis_pid)${B:+, opdis-b ($B) on :$b_port (pid $b_pid)}"
echo "redis-benchmark -c $CLIENTS -r $KEYSPACE, $ROUNDS rounds; plain -n $N, pipelined -P $PIPELINE -n $NP"
for round in $(seq "$ROUNDS"); do
	for mode in $MODES; do
		echo "round $round/$ROUNDS, $mode: opdis"
		run_bench opdis "$opdis_port" "$opdis_pid" "$mode"
		if [ -n "$B" ]; then
			echo "round $round/$ROUNDS, $mode: opdis-b"
			run_bench opdis-b "$b_port" "$b_pid" "$mode"
		fi
		echo "round $round/$ROUNDS, $mode: redis"
		run_bench redis "$redis_port" "$redis_pid" "$mode"
	done
done

echo
awk -F, -v withb="${B:+1}" '
	{ key = $2 SUBSEP $3; vals[$1, key] = vals[$1, key] " " $4; cpu[$1, key] = cpu[$1, key] " " $5
	  if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
	function median(s,   a, k, i, j, t) {
		k = split(s, a, " ")
		if (k == 0) return 0
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	function ratio(o, r) { return (o > 0 && r > 0) ? sprintf("%.2f", o / r) : "-" }
	END {
		printf "%-8s %-6s %12s %12s %6s", "mode", "test", "opdis rps", "redis rps", "ratio"
		if (withb) printf " %12s %6s", "opdis-b rps", "ratio"
		printf "   %s\n", "server CPU ns/request: opdis" (withb ? " opdis-b" : "") " redis"
		for (i = 1; i <= n; i++) {
			split(order[i], p, SUBSEP)
			o = median(vals["opdis", order[i]]); r = median(vals["redis", order[i]])
			printf "%-8s %-6s %12s %12.0f %6s", p[1], p[2], (o > 0 ? sprintf("%.0f", o) : "n/a"), r, ratio(o, r)
			if (withb) { b = median(vals["opdis-b", order[i]]); printf " %12s %6s", (b > 0 ? sprintf("%.0f", b) : "n/a"), ratio(b, r) }
			printf "   %6.0f", median(cpu["opdis", order[i]])
			if (withb) printf " %6.0f", median(cpu["opdis-b", order[i]])
			printf " %6.0f\n", median(cpu["redis", order[i]])
		}
	}' "$results"
