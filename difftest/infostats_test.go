package difftest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInfoStats runs a fixed script on redis-server and opdis and, at fixed
// points, compares the statistics INFO keeps: every errorstat line,
// total_error_replies, total_commands_processed, each command's calls,
// failed_calls and rejected_calls, and (by shape: the same commands, the
// same percentile keys, values that parse) latencystats and LATENCY
// HISTOGRAM. The script's replies are compared too.
func TestInfoStats(t *testing.T) {
	h := newHarness(t)
	p := &statPair{t: t, h: h}
	for side := range 2 {
		for i := range p.c[side] {
			c, err := dial(h.srv[side].addr)
			if err != nil {
				t.Fatalf("%s: %v", h.names[side], err)
			}
			t.Cleanup(c.close)
			p.c[side][i] = c
		}
	}
	const A, B, C, D, E, F = 0, 1, 2, 3, 4, 5

	p.do(A, "CONFIG", "RESETSTAT")
	p.do(A, "SET", "k", "v")
	p.do(A, "GET", "k")
	p.do(A, "INCR", "k")       // ERR not an integer
	p.do(A, "LPUSH", "k", "x") // WRONGTYPE
	p.do(A, "HSET", "h", "f", "v")
	p.do(A, "HGET", "k", "f")      // WRONGTYPE
	p.do(A, "NOSUCHCMD", "a", "b") // unknown: rejected, no command to count it on
	p.do(A, "GET")                 // wrong arity: rejected_calls
	p.do(A, "CONFIG")              // a container with no subcommand
	p.do(A, "CONFIG", "NOSUCH")    // unknown subcommand
	p.do(A, "CONFIG", "GET")       // the subcommand's arity
	p.do(A, "CONFIG", "GET", "maxmemory")
	p.do(A, "HELLO", "4") // NOPROTO
	// DEBUG ERROR replies raw: Redis counts none of these.
	p.do(A, "DEBUG", "ERROR", "MYCODE boom")
	p.do(A, "DEBUG", "ERROR", "nospace")
	p.do(A, "DEBUG", "ERROR", strings.Repeat("A", 30)+" fits")
	p.do(A, "DEBUG", "ERROR", strings.Repeat("B", 31)+" too-far")
	p.do(A, "DEBUG", "ERROR", " leading-space")
	p.check("plain commands and errors")

	// A queued command rejected: its error, then EXECABORT.
	p.do(A, "MULTI")
	p.do(A, "SET", "a", "1")
	p.do(A, "GET")
	p.do(A, "INCR", "a")
	p.do(A, "EXEC")
	p.do(A, "MULTI")
	p.do(A, "NOSUCHCMD")
	p.do(A, "EXEC")
	// Errors of commands run by EXEC count one by one; EXEC does not fail.
	p.do(A, "MULTI")
	p.do(A, "INCR", "k")
	p.do(A, "SET", "b", "1")
	p.do(A, "LPUSH", "k", "x")
	p.do(A, "EXEC")
	p.do(A, "MULTI")
	p.do(A, "MULTI") // nested: an error, the transaction goes on
	p.do(A, "PING")
	p.do(A, "EXEC")
	p.do(A, "EXEC")
	p.do(A, "DISCARD")
	p.do(A, "MULTI")
	p.do(A, "WATCH", "x")
	p.do(A, "SAVE") // no-multi: rejected
	p.do(A, "EXEC")
	p.do(A, "WATCH", "w")
	p.do(B, "SET", "w", "1")
	p.do(A, "MULTI")
	p.do(A, "INCR", "w")
	p.do(A, "EXEC") // a watched key changed: nil, not an error
	p.check("transactions")

	// A protocol error is an error reply too (and ends the connection).
	p.raw(F, "*1\r\n$x\r\n")
	p.read(F)
	p.check("protocol error")

	// Blocked clients: CLIENT UNBLOCK (either reason) fails the parked
	// command; a served one is counted once.
	idC := p.clientIDs(C)
	p.send(C, "BLPOP", "blk", "0")
	p.send(C, "INCR", "k") // pipelined behind: runs once unblocked, and fails
	p.unblock(B, idC, "ERROR")
	p.read(C)
	p.read(C)
	p.send(C, "BLPOP", "blk", "0")
	p.unblock(B, idC, "TIMEOUT")
	p.read(C)
	p.send(C, "BLPOP", "blk", "0")
	p.sleep()
	p.do(B, "LPUSH", "blk", "v")
	p.read(C)
	p.do(C, "BLPOP", "blk", "0.01") // times out
	// A role change answers parked clients with an error (counted; the
	// parked command does not fail).
	p.send(E, "BLPOP", "blk", "0")
	p.sleep()
	p.do(B, "REPLICAOF", "127.0.0.1", "1")
	p.read(E)
	p.do(B, "SET", "ro", "1") // READONLY: rejected
	p.do(B, "MULTI")
	p.do(B, "SET", "ro", "1")
	p.do(B, "EXEC")
	p.do(B, "REPLICAOF", "NO", "ONE")
	p.check("blocking")
	p.histograms("BLPOP", "CLIENT", "LPUSH", "NOSUCH")

	// A subscribed client, an unauthenticated one.
	p.do(D, "SUBSCRIBE", "ch")
	p.do(D, "GET", "x")
	p.do(D, "CONFIG", "GET", "x")
	p.do(D, "UNSUBSCRIBE")
	p.do(A, "CONFIG", "SET", "requirepass", "secret")
	p.do(D, "AUTH", "wrong")
	p.do(D, "GET", "x")
	p.do(D, "CONFIG", "GET", "x")
	p.do(D, "AUTH", "secret")
	p.do(A, "CONFIG", "SET", "requirepass", "")
	p.check("pubsub and auth")

	// CONFIG RESETSTAT midway clears it all (and counts itself).
	p.do(A, "CONFIG", "RESETSTAT")
	p.do(A, "GET", "k")
	p.do(A, "GET")
	p.do(A, "LPOP", "k")
	p.do(A, "PING")
	p.check("after CONFIG RESETSTAT")
	p.histograms()

	// The latency-tracking options.
	p.do(A, "CONFIG", "GET", "latency-tracking") // (a pattern's order is Redis's dict order)
	p.do(A, "CONFIG", "GET", "latency-tracking-info-percentiles")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "101")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "50  99")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "99.99999999 0 1.5e-3 0x10 75")
	p.do(A, "CONFIG", "GET", "latency-tracking-info-percentiles")
	p.check("other percentiles")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "")
	p.do(A, "CONFIG", "GET", "latency-tracking-info-percentiles")
	p.check("no percentiles")
	p.do(A, "CONFIG", "SET", "latency-tracking", "maybe")
	p.do(A, "CONFIG", "SET", "latency-tracking", "no")
	p.do(A, "SET", "k", "v")
	p.check("tracking off")
	p.do(A, "CONFIG", "SET", "latency-tracking", "yes")
	p.do(A, "CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
	p.check("tracking on again")
}

// statPair drives the same connections on both servers in lockstep.
type statPair struct {
	t *testing.T
	h *harness
	c [2][6]*conn
}

func (p *statPair) send(ci int, args ...string) {
	p.t.Helper()
	for side := range 2 {
		if err := p.c[side][ci].send(args); err != nil {
			p.t.Fatalf("%s: %s: %v", p.h.names[side], quoteArgs(args), err)
		}
	}
}

func (p *statPair) read(ci int) [2]Value {
	p.t.Helper()
	var v [2]Value
	for side := range 2 {
		var err error
		if v[side], err = p.c[side][ci].read(5 * time.Second); err != nil {
			p.t.Fatalf("%s: reading conn %d: %v", p.h.names[side], ci, err)
		}
	}
	if a, b := v[0].String(), v[1].String(); a != b {
		p.t.Errorf("conn %d: redis replied %s, opdis %s", ci, a, b)
	}
	return v
}

// raw writes bytes as they are on connection ci of both servers.
func (p *statPair) raw(ci int, b string) {
	p.t.Helper()
	for side := range 2 {
		if _, err := p.c[side][ci].nc.Write([]byte(b)); err != nil {
			p.t.Fatalf("%s: %v", p.h.names[side], err)
		}
	}
}

// do runs a command on both servers and compares the replies.
func (p *statPair) do(ci int, args ...string) [2]Value {
	p.t.Helper()
	p.send(ci, args...)
	return p.read(ci)
}

// unblock runs CLIENT UNBLOCK id reason on conn ci of both servers, with
// each server's id of the parked client, and expects it unblocked.
func (p *statPair) unblock(ci int, ids [2]string, reason string) {
	p.t.Helper()
	p.sleep()
	for side := range 2 {
		v, err := p.c[side][ci].do("CLIENT", "UNBLOCK", ids[side], reason)
		if err != nil || v.String() != "(integer) 1" {
			p.t.Fatalf("%s: CLIENT UNBLOCK %s %s: %v %v", p.h.names[side], ids[side], reason, v, err)
		}
	}
}

// sleep lets a command sent on one connection arrive before another's
// (polling would add commands, and their count would differ by server).
func (p *statPair) sleep() { time.Sleep(100 * time.Millisecond) }

// clientIDs returns each server's CLIENT ID for connection ci.
func (p *statPair) clientIDs(ci int) [2]string {
	p.t.Helper()
	var ids [2]string
	for side := range 2 {
		v, err := p.c[side][ci].do("CLIENT", "ID")
		if err != nil || !v.isInt() {
			p.t.Fatalf("%s: CLIENT ID: %v %v", p.h.names[side], v, err)
		}
		ids[side] = v.Str
	}
	return ids
}

// infoStats is what INFO reports that the test compares.
type infoStats struct {
	counters  map[string]string // total_commands_processed, total_error_replies
	errors    []string          // errorstat lines, in order
	cmds      map[string]string // command -> calls, rejected_calls, failed_calls
	latencies map[string]string // command -> percentile keys
}

func parseInfoStats(t *testing.T, who, s string) infoStats {
	st := infoStats{counters: map[string]string{}, cmds: map[string]string{}, latencies: map[string]string{}}
	for _, line := range strings.Split(s, "\r\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch {
		case key == "total_commands_processed" || key == "total_error_replies":
			st.counters[key] = val
		case strings.HasPrefix(key, "errorstat_"):
			st.errors = append(st.errors, line)
		case strings.HasPrefix(key, "cmdstat_"):
			var keep []string
			for _, f := range strings.Split(val, ",") {
				if !strings.HasPrefix(f, "usec") {
					keep = append(keep, f)
				}
			}
			st.cmds[strings.TrimPrefix(key, "cmdstat_")] = strings.Join(keep, ",")
		case strings.HasPrefix(key, "latency_percentiles_usec_"):
			var keys []string
			for _, f := range strings.Split(val, ",") {
				if f == "" {
					continue
				}
				k, v, ok := strings.Cut(f, "=")
				n, err := strconv.ParseFloat(v, 64)
				if !ok || err != nil || n < 0 || v != fmt.Sprintf("%.3f", n) {
					t.Errorf("%s: latencystats %q: value %q is not a %%.3f number", who, line, v)
				}
				keys = append(keys, k)
			}
			st.latencies[strings.TrimPrefix(key, "latency_percentiles_usec_")] = strings.Join(keys, ",")
		}
	}
	return st
}

// check reads INFO on both servers at the same point of the script and
// compares the statistics.
func (p *statPair) check(label string) {
	p.t.Helper()
	var st [2]infoStats
	for side := range 2 {
		v, err := p.c[side][0].do("INFO", "stats", "errorstats", "commandstats", "latencystats")
		if err != nil || v.Kind != '$' {
			p.t.Fatalf("%s: INFO: %v %v", p.h.names[side], v, err)
		}
		st[side] = parseInfoStats(p.t, p.h.names[side], v.Str)
	}
	r, o := st[0], st[1]
	for _, k := range []string{"total_commands_processed", "total_error_replies"} {
		if r.counters[k] == "" || r.counters[k] != o.counters[k] {
			p.t.Errorf("%s: %s: redis %q, opdis %q", label, k, r.counters[k], o.counters[k])
		}
	}
	if !slices.Equal(r.errors, o.errors) {
		p.t.Errorf("%s: errorstats differ\nredis: %q\nopdis: %q", label, r.errors, o.errors)
	}
	diffMaps(p.t, label+": commandstats", r.cmds, o.cmds)
	diffMaps(p.t, label+": latencystats (percentile keys)", r.latencies, o.latencies)
}

func diffMaps(t *testing.T, what string, r, o map[string]string) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(r)) {
		if r[k] != o[k] {
			t.Errorf("%s %s: redis %q, opdis %q", what, k, r[k], o[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(o)) {
		if _, ok := r[k]; !ok {
			t.Errorf("%s %s: redis has none, opdis %q", what, k, o[k])
		}
	}
}

// histograms runs LATENCY HISTOGRAM [names...] on both servers and
// compares which commands have one and their calls; the buckets are
// checked for shape: the µs values Redis's base-2 iteration from 1024 ns
// reports, increasing, with cumulative counts rising to the calls.
func (p *statPair) histograms(names ...string) {
	p.t.Helper()
	var got [2]map[string]int64
	args := append([]string{"LATENCY", "HISTOGRAM"}, names...)
	for side := range 2 {
		v, err := p.c[side][0].do(args...)
		if err != nil || !v.isArray() || len(v.Elems)%2 != 0 {
			p.t.Fatalf("%s: %s: %v %v", p.h.names[side], quoteArgs(args), v, err)
		}
		got[side] = map[string]int64{}
		for i := 0; i < len(v.Elems); i += 2 {
			name, body := v.Elems[i].Str, v.Elems[i+1]
			calls, err := histogramShape(body)
			if err != nil {
				p.t.Errorf("%s: LATENCY HISTOGRAM %s: %v: %s", p.h.names[side], name, err, body)
			}
			got[side][name] += calls
		}
	}
	r, o := map[string]string{}, map[string]string{}
	for k, v := range got[0] {
		r[k] = strconv.FormatInt(v, 10)
	}
	for k, v := range got[1] {
		o[k] = strconv.FormatInt(v, 10)
	}
	diffMaps(p.t, quoteArgs(args)+": calls of", r, o)
}

// histogramLevels are the values histogram_usec may report.
var histogramLevels = func() map[int64]bool {
	m := map[int64]bool{}
	for level := int64(1024); level <= 1<<30; level *= 2 {
		width := level >> 7 // 2 significant digits: 128 steps per power of two
		m[(level+width-1)/1000] = true
	}
	return m
}()

func histogramShape(v Value) (int64, error) {
	if !v.isArray() || len(v.Elems) != 4 || v.Elems[0].Str != "calls" || v.Elems[2].Str != "histogram_usec" {
		return 0, fmt.Errorf("not [calls n histogram_usec [...]]")
	}
	calls, ok := v.Elems[1].int()
	buckets := v.Elems[3]
	if !ok || calls <= 0 || !buckets.isArray() || len(buckets.Elems) == 0 || len(buckets.Elems)%2 != 0 {
		return 0, fmt.Errorf("bad calls or buckets")
	}
	var prevUs, prevCum int64 = -1, 0
	for i := 0; i < len(buckets.Elems); i += 2 {
		us, ok1 := buckets.Elems[i].int()
		cum, ok2 := buckets.Elems[i+1].int()
		if !ok1 || !ok2 || !histogramLevels[us] || us <= prevUs || cum <= prevCum {
			return 0, fmt.Errorf("bucket %d: %d µs, %d cumulative", i/2, us, cum)
		}
		prevUs, prevCum = us, cum
	}
	if prevCum != calls {
		return 0, fmt.Errorf("the last cumulative count %d is not calls %d", prevCum, calls)
	}
	return calls, nil
}
