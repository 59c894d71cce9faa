package difftest

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// Connections of one session, each open on both servers.
const (
	connA = iota // main client: everything, MULTI/EXEC, WATCH
	connB        // second client: modifies watched keys, takes special ops while A is in MULTI
	connC        // blocked client for the blocking-serve ops and the final state dump (stays in db 0)
	connS        // subscriber
	numConns
)

var connNames = [numConns]string{"A", "B", "C", "S"}

// harness is the pair of servers shared by all sequences of a test.
type harness struct {
	srv   [2]*server
	names [2]string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{}
	h.srv[0] = startRedis(t, "redis")
	if v := redisVersion(h.srv[0]); !strings.HasPrefix(v, "7.0.") {
		t.Logf("difftest: WARNING: the reference redis-server is version %q; opdis follows Redis 7.0.15, other versions differ in places", v)
	}
	var isOpdis bool
	h.srv[1], isOpdis = startOpdis(t)
	h.names = [2]string{"redis", "opdis"}
	if !isOpdis {
		h.names[1] = "redis2"
	}
	return h
}

func redisVersion(s *server) string {
	c, err := dial(s.addr)
	if err != nil {
		return "?"
	}
	defer c.close()
	v, err := c.do("INFO", "server")
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(v.Str, "\r\n") {
		if ver, ok := strings.CutPrefix(line, "redis_version:"); ok {
			return ver
		}
	}
	return "?"
}

type subState struct{ ch, pat map[string]bool }

// session is one rapid iteration: fresh connections, flushed servers, a log
// of everything sent.
type session struct {
	t       *rapid.T
	h       *harness
	conns   [2][numConns]*conn
	log     []string
	anchor  int64 // unix seconds at the start: absolute expiry times are anchor+offset
	ttlSeq  int   // makes every generated TTL distinct (GT/LT stay deterministic)
	inMulti bool  // connection A has an open MULTI
	queued  []cmpFn
	subs    [2]subState
}

func newSession(t *rapid.T, h *harness) *session {
	s := &session{t: t, h: h, anchor: time.Now().Unix()}
	for side := range 2 {
		s.subs[side] = subState{ch: map[string]bool{}, pat: map[string]bool{}}
		for ci := range numConns {
			c, err := dial(h.srv[side].addr)
			if err != nil {
				s.close()
				t.Fatalf("difftest: cannot connect to %s: %v (alive=%v)\n%s", h.names[side], err, h.srv[side].alive(), h.srv[side].tail())
			}
			s.conns[side][ci] = c
		}
	}
	// Connections of the previous sequence were closed; make sure the
	// servers have dropped their subscriptions before starting.
	for side := range 2 {
		c := s.conns[side][connA]
		for i := 0; i < 200; i++ {
			np, err1 := c.do("PUBSUB", "NUMPAT")
			ch, err2 := c.do("PUBSUB", "CHANNELS")
			if err1 != nil || err2 != nil || np.isErr() || ch.isErr() || (np.Str == "0" && len(ch.Elems) == 0) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	s.do(connA, exact, "FLUSHALL")
	return s
}

func (s *session) close() {
	for side := range 2 {
		for _, c := range s.conns[side] {
			c.close()
		}
	}
}

func (s *session) record(ci int, format string, a ...any) {
	s.log = append(s.log, fmt.Sprintf("%s> ", connNames[ci])+fmt.Sprintf(format, a...))
}

func (s *session) sequence() string {
	var b strings.Builder
	for i, l := range s.log {
		fmt.Fprintf(&b, "%4d  %s\n", i+1, l)
	}
	return b.String()
}

// mismatch stops the iteration with everything needed to reproduce it.
func (s *session) mismatch(what string, v [2]Value, msg string) {
	s.t.Fatalf("difftest: replies differ on %s\n  %s: %s\n  %s: %s\n%s\n\nsequence so far (%d commands; A/B normal clients, C blocking client, S subscriber):\n%s",
		what, s.h.names[0], v[0], s.h.names[1], v[1], msg, len(s.log), s.sequence())
}

func (s *session) ioFail(side int, what string, err error) {
	srv := s.h.srv[side]
	extra := ""
	if !srv.alive() {
		extra = fmt.Sprintf("\n%s has exited (%v); log tail:\n%s", s.h.names[side], srv.err, srv.tail())
	}
	s.t.Fatalf("difftest: %s: %s: %v%s\n\nsequence so far:\n%s", s.h.names[side], what, err, extra, s.sequence())
}

func (s *session) sendBoth(ci int, args []string) {
	for side := range 2 {
		if err := s.conns[side][ci].send(args); err != nil {
			s.ioFail(side, "sending "+quoteArgs(args), err)
		}
	}
}

func (s *session) readBoth(ci int, what string, d time.Duration) [2]Value {
	var v [2]Value
	for side := range 2 {
		var err error
		v[side], err = s.conns[side][ci].read(d)
		if err != nil {
			s.ioFail(side, "reading the reply to "+what, err)
		}
	}
	return v
}

func isControl(name string) bool {
	switch name {
	case "multi", "exec", "discard", "watch", "quit", "reset":
		return true
	}
	return false
}

// do sends a command on connection ci of both servers and compares the
// replies with f. Inside MULTI the QUEUED replies are compared exactly and f
// is kept for the matching EXEC element.
func (s *session) do(ci int, f cmpFn, args ...string) [2]Value {
	s.record(ci, "%s", quoteArgs(args))
	s.sendBoth(ci, args)
	v := s.readBoth(ci, quoteArgs(args), 5*time.Second)
	s.check(ci, f, args, v)
	return v
}

func (s *session) check(ci int, f cmpFn, args []string, v [2]Value) {
	if f == nil {
		f = exact
	}
	name := strings.ToLower(args[0])
	orig := f
	queuing := ci == connA && s.inMulti && !isControl(name)
	if queuing {
		f = exact
	}
	if ci == connA && s.inMulti && name == "exec" {
		f = execCmp(s.queued)
	}
	if msg := f(v[0], v[1]); msg != "" {
		s.mismatch(connNames[ci]+"> "+quoteArgs(args), v, msg)
	}
	stats.count(name, v[0])
	if ci != connA {
		return
	}
	r := v[0]
	switch {
	case queuing:
		if r.isSimple("QUEUED") {
			s.queued = append(s.queued, orig)
		}
	case name == "multi":
		if r.isSimple("OK") {
			s.inMulti = true
			s.queued = nil
		}
	case name == "exec":
		if !(r.isErr() && strings.HasPrefix(r.Str, "ERR wrong number")) {
			s.inMulti = false
			s.queued = nil
		}
	case name == "discard":
		if r.isSimple("OK") {
			s.inMulti = false
			s.queued = nil
		}
	}
}

// peek sends a command and returns both replies without comparing them.
func (s *session) peek(ci int, args ...string) [2]Value {
	s.record(ci, "%s   (not compared)", quoteArgs(args))
	s.sendBoth(ci, args)
	return s.readBoth(ci, quoteArgs(args), 5*time.Second)
}

// scanFull runs a whole SCAN-family iteration on each server (cursors are
// server-specific) and compares the sets of returned elements. args[cur] is
// the cursor slot. pairs: elements are field/value pairs (HSCAN, ZSCAN).
func (s *session) scanFull(ci int, args []string, cur int, pairs bool) {
	s.record(ci, "%s   (full iteration)", quoteArgs(args))
	var res [2]Value
	for side := range 2 {
		c := s.conns[side][ci]
		a := append([]string(nil), args...)
		seen := map[string]string{}
		cursor := args[cur]
		var errV *Value
		for calls := 0; ; calls++ {
			if calls > 100000 {
				s.t.Fatalf("difftest: %s: %s did not finish after %d calls\n%s", s.h.names[side], quoteArgs(args), calls, s.sequence())
			}
			a[cur] = cursor
			v, err := c.do(a...)
			if err != nil {
				s.ioFail(side, quoteArgs(a), err)
			}
			if !v.isArray() || len(v.Elems) != 2 || !v.Elems[1].isArray() {
				errV = &v
				break
			}
			els := v.Elems[1].Elems
			if pairs && len(els)%2 == 0 {
				for i := 0; i < len(els); i += 2 {
					seen[els[i].Str] = els[i+1].Str
				}
			} else {
				for _, e := range els {
					seen[e.Str] = ""
				}
			}
			cursor = v.Elems[0].Str
			if cursor == "0" {
				break
			}
		}
		if errV != nil && cursor == args[cur] {
			res[side] = *errV // the first call failed: compare the error
			continue
		}
		if errV != nil {
			res[side] = Value{Kind: '-', Str: "difftest: bad reply mid-iteration: " + errV.String()}
			continue
		}
		out := Value{Kind: '*', Elems: []Value{}}
		for k, val := range seen {
			out.Elems = append(out.Elems, Value{Kind: '$', Str: k})
			if pairs {
				out.Elems = append(out.Elems, Value{Kind: '$', Str: val})
			}
		}
		res[side] = out
	}
	var msg string
	if pairs {
		msg = sortedPairs(res[0], res[1])
	} else {
		msg = sortedElems(res[0], res[1])
	}
	if msg != "" {
		s.mismatch(connNames[ci]+"> "+quoteArgs(args)+" (full iteration, element sets)", res, msg)
	}
}

// random runs a command whose reply is random: the source collection is read
// first (and compared), then only the reply's shape and membership are
// checked. For SPOP the key is re-synchronised afterwards: if the servers
// popped different members the key is deleted on both.
func (s *session) random(ci int, o op) {
	spec := o.spec
	if o.src != nil {
		v := s.do(ci, o.srcCmp, o.src...)
		if o.srcPairs {
			spec.src = mapOf(v[0])
		} else {
			spec.src = setOf(v[0])
		}
	}
	s.do(ci, spec.cmp, o.args...)
	if o.popKey != "" {
		v := s.peek(ci, "SMEMBERS", o.popKey)
		if sortedElems(v[0], v[1]) != "" {
			s.do(ci, exact, "DEL", o.popKey)
		}
	}
}

// lex runs a lex-range command. On a skiplist whose members do not all have
// the same score the result is undefined in Redis (it depends on the random
// skiplist levels), so then only the reply's shape is compared and the key
// the command writes, if any, is deleted on both servers.
func (s *session) lex(ci int, o op) {
	args := o.args
	enc := s.peek(ci, "OBJECT", "ENCODING", o.lexKey)
	undefined := false
	if enc[0].Kind == '$' && enc[0].Str == "skiplist" {
		v := s.peek(ci, "ZRANGE", o.lexKey, "0", "-1", "WITHSCORES")
		scores := map[string]bool{}
		for _, p := range pairsOf(v[0]) {
			scores[p.V.Str] = true
		}
		undefined = len(scores) > 1
	}
	if !undefined {
		s.do(ci, exact, args...)
		return
	}
	s.log[len(s.log)-1] += "   -> mixed scores in a skiplist: lex result undefined, reply type only"
	s.do(ci, sameKind, args...)
	if o.popKey != "" {
		// The servers may have removed different members (ZREMRANGEBYLEX
		// can even empty the key on one side only): resync by deleting it,
		// whatever each one still held.
		s.do(ci, sameKind, "DEL", o.popKey)
	}
}

// publish sends PUBLISH and reads the delivered messages on S.
func (s *session) publish(ci int, args []string) {
	v := s.do(ci, exact, args...)
	n, ok := v[0].int()
	if !ok || n <= 0 {
		return
	}
	s.log = append(s.log, fmt.Sprintf("S< %d message(s)", n))
	var got [2]Value
	for side := range 2 {
		got[side] = Value{Kind: '*', Elems: []Value{}}
		for i := int64(0); i < n; i++ {
			m, err := s.conns[side][connS].read(3 * time.Second)
			if err != nil {
				s.ioFail(side, fmt.Sprintf("reading message %d of %d after %s", i+1, n, quoteArgs(args)), err)
			}
			got[side].Elems = append(got[side].Elems, m)
		}
	}
	if msg := sortedElems(got[0], got[1]); msg != "" {
		s.mismatch("messages delivered to S by "+quoteArgs(args), got, msg)
	}
}

// subscriber sends a command on S and reads all its replies: one per named
// channel/pattern for (P)(UN)SUBSCRIBE, one per current subscription for
// UNSUBSCRIBE/PUNSUBSCRIBE without arguments (compared as a set), else one.
func (s *session) subscriber(args []string) {
	s.record(connS, "%s", quoteArgs(args))
	name := strings.ToLower(args[0])
	all := false
	var want [2]int
	for side := range 2 {
		want[side] = 1
		switch name {
		case "subscribe", "psubscribe", "unsubscribe", "punsubscribe":
			if len(args) > 1 {
				want[side] = len(args) - 1
			} else if name == "unsubscribe" {
				all = true
				want[side] = max(1, len(s.subs[side].ch))
			} else if name == "punsubscribe" {
				all = true
				want[side] = max(1, len(s.subs[side].pat))
			}
		}
	}
	s.sendBoth(connS, args)
	var got [2]Value
	for side := range 2 {
		got[side] = Value{Kind: '*', Elems: []Value{}}
		for i := 0; i < want[side]; i++ {
			v, err := s.conns[side][connS].read(3 * time.Second)
			if err != nil {
				s.ioFail(side, fmt.Sprintf("reading reply %d of %d to %s", i+1, want[side], quoteArgs(args)), err)
			}
			got[side].Elems = append(got[side].Elems, v)
			if v.isErr() {
				break
			}
			s.trackSub(side, v)
		}
	}
	f := exact
	if all {
		f = unsubAll
	}
	if msg := f(got[0], got[1]); msg != "" {
		s.mismatch("S> "+quoteArgs(args)+" (all replies)", got, msg)
	}
}

func (s *session) trackSub(side int, v Value) {
	if !v.isArray() || len(v.Elems) != 3 {
		return
	}
	name := v.Elems[1].Str
	switch v.Elems[0].Str {
	case "subscribe":
		s.subs[side].ch[name] = true
	case "unsubscribe":
		delete(s.subs[side].ch, name)
	case "psubscribe":
		s.subs[side].pat[name] = true
	case "punsubscribe":
		delete(s.subs[side].pat, name)
	}
}

// unsubAll compares the replies of an argument-less UNSUBSCRIBE: the order
// of the channels is the server's dict order, the counts must match in order.
func unsubAll(a, b Value) string {
	if len(a.Elems) != len(b.Elems) {
		return exact(a, b)
	}
	strip := func(v Value) (names, rest Value) {
		names = Value{Kind: '*', Elems: []Value{}}
		rest = Value{Kind: '*', Elems: []Value{}}
		for _, e := range v.Elems {
			if e.isArray() && len(e.Elems) == 3 {
				names.Elems = append(names.Elems, e.Elems[1])
				rest.Elems = append(rest.Elems, Value{Kind: '*', Elems: []Value{e.Elems[0], e.Elems[2]}})
			} else {
				rest.Elems = append(rest.Elems, e)
			}
		}
		return
	}
	na, ra := strip(a)
	nb, rb := strip(b)
	if msg := exact(ra, rb); msg != "" {
		return msg
	}
	return sortedElems(na, nb)
}

// blockServe parks C in a blocking command, has B add data to the key, and
// compares what C receives. C must really be blocked before B's command runs,
// or the two servers could order the commands differently (the servers see
// two connections): so the op runs only when none of the keys exists (then C
// blocks, or B's data is what C finds either way). When a key exists C's
// command is answered at once and is run synchronously instead. A BLMOVE
// whose destination has the wrong type is not run at all (served while
// blocked it keeps waiting, run directly it fails).
func (s *session) blockServe(o op) {
	s.do(connB, exact, "SELECT", "0")
	if o.blockDst != "" {
		v := s.do(connC, exact, "TYPE", o.blockDst)
		if v[0].Str != "none" && v[0].Str != o.blockType {
			s.do(connB, exact, o.push...)
			return
		}
	}
	v := s.do(connC, exact, append([]string{"EXISTS"}, o.blockKeys...)...)
	if n, _ := v[0].int(); n > 0 {
		s.do(connC, exact, o.args...)
		s.do(connB, exact, o.push...)
		return
	}
	s.record(connC, "%s   (sent, reply read after the next command)", quoteArgs(o.args))
	s.sendBoth(connC, o.args)
	time.Sleep(time.Millisecond)
	s.do(connB, exact, o.push...)
	v = s.readBoth(connC, quoteArgs(o.args), 5*time.Second)
	s.log = append(s.log, "C< "+v[0].String())
	if msg := exact(v[0], v[1]); msg != "" {
		s.mismatch("C> "+quoteArgs(o.args)+" (served by B's "+o.push[0]+")", v, msg)
	}
}

// compareState dumps databases 0-2 through C and compares them, then checks
// that S has no stray messages.
func (s *session) compareState() {
	for db := 0; db < 3; db++ {
		s.do(connC, exact, "SELECT", fmt.Sprint(db))
		s.do(connC, exact, "DBSIZE")
		v := s.do(connC, sortedElems, "KEYS", "*")
		for _, k := range v[0].Elems {
			key := k.Str
			tv := s.do(connC, exact, "TYPE", key)
			switch tv[0].Str {
			case "string":
				s.do(connC, exact, "GET", key)
			case "list":
				s.do(connC, exact, "LRANGE", key, "0", "-1")
			case "set":
				s.do(connC, sortedElems, "SMEMBERS", key)
			case "zset":
				s.do(connC, exact, "ZRANGE", key, "0", "-1", "WITHSCORES")
			case "hash":
				s.do(connC, sortedPairs, "HGETALL", key)
			}
			s.do(connC, tolerance(2000), "PTTL", key)
			s.do(connC, exact, "OBJECT", "ENCODING", key)
		}
	}
	s.do(connC, exact, "SELECT", "0")
	s.subscriber([]string{"PING"})
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		return atoiOr(v, def)
	}
	return def
}

// cmdStats counts the commands sent and how many failed, printed with
// DIFFTEST_STATS=1 to judge the generators.
type cmdStats map[string]*[3]int // total, errors, null/empty

var stats = cmdStats{}

func (st cmdStats) count(name string, v Value) {
	c := st[name]
	if c == nil {
		c = new([3]int)
		st[name] = c
	}
	c[0]++
	if v.isErr() {
		c[1]++
	} else if v.Null || (v.Kind == '*' && len(v.Elems) == 0) {
		c[2]++
	}
}

func (st cmdStats) report() string {
	names := make([]string, 0, len(st))
	for n := range st {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %7s %7s %7s\n", "command", "sent", "errors", "empty")
	for _, n := range names {
		c := st[n]
		fmt.Fprintf(&b, "%-18s %7d %7d %7d\n", n, c[0], c[1], c[2])
	}
	return b.String()
}
