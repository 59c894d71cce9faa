# Shared by bench-persist.sh and bench-repl.sh (sourced): a temp dir removed
# at exit with every server started (their pids in pids), free loopback
# ports, waiting for PONG, medians and ratios.

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
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

# wait_up port: wait (up to a minute: a restart may load a large AOF) until
# PING answers PONG.
wait_up() {
	for _ in $(seq 6000); do
		[ "$(redis-cli -p "$1" ping 2>/dev/null || true)" = PONG ] && return 0
		sleep 0.01
	done
	echo "bench: server on port $1 did not start" >&2
	exit 1
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "-" }'; }
