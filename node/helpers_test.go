package node

import (
	"testing"
	"time"

	"opdis/wire"
)

// testClock is a manual clock for tests. With step set, every read
// advances it, like a real clock during a command.
type testClock struct{ ns, step int64 }

func (c *testClock) UnixNano() int64          { c.ns += c.step; return c.ns }
func (c *testClock) Monotonic() time.Duration { return time.Duration(c.ns) }

// testRand is splitmix64.
type testRand struct{ s uint64 }

func (r *testRand) Uint64() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// tnode is a Node driven synchronously by a test.
type tnode struct {
	*Node
	t     *testing.T
	clock *testClock
}

func newTestNode(t *testing.T) *tnode {
	t.Helper()
	return newTestNodeConfig(t, DefaultConfig())
}

func newTestNodeConfig(t *testing.T, cfg Config) *tnode {
	t.Helper()
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	n := New(cfg, Env{Clock: clock, Rand: &testRand{s: 1}})
	return &tnode{Node: n, t: t, clock: clock}
}

func (tn *tnode) connect() int64 { return tn.Connect("127.0.0.1:50000", "127.0.0.1:6379") }

// advance moves the clock and ticks.
func (tn *tnode) advance(d time.Duration) {
	tn.clock.ns += int64(d)
	tn.Tick()
}

// send feeds raw bytes and returns every reply queued for id.
func (tn *tnode) send(id int64, raw string) []wire.Value {
	tn.t.Helper()
	tn.Feed(id, []byte(raw))
	return tn.replies(id)
}

// replies drains and parses id's output.
func (tn *tnode) replies(id int64) []wire.Value {
	tn.t.Helper()
	out, _ := tn.TakeOutput(id, nil)
	var vals []wire.Value
	for len(out) > 0 {
		v, n, err := wire.ParseReply(out)
		if err != nil || n == 0 {
			tn.t.Fatalf("bad reply bytes %q: %v", out, err)
		}
		vals = append(vals, v)
		out = out[n:]
	}
	return vals
}

// do runs one command on id and returns its single reply.
func (tn *tnode) do(id int64, args ...string) wire.Value {
	tn.t.Helper()
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	vals := tn.send(id, string(wire.AppendCommand(nil, bs...)))
	if len(vals) != 1 {
		tn.t.Fatalf("%q: want 1 reply, got %d: %v", args, len(vals), vals)
	}
	return vals[0]
}

// want runs a command and fails unless its reply renders as want
// (wire.Value.String: "(integer) 1", "\"v\"", "(nil)", "(error) ERR …", "[…]").
func (tn *tnode) want(id int64, want string, args ...string) {
	tn.t.Helper()
	if got := tn.do(id, args...).String(); got != want {
		tn.t.Errorf("%q = %s, want %s", args, got, want)
	}
}
