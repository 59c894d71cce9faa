package nodehost

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
	"opdis/node"
	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/simclient"
	"opdis/sim/simclock"
	"opdis/sim/simfs"
	"opdis/sim/simnet"
	"opdis/sim/trace"
	"opdis/wire"
)

// world is one simulated universe: a loop, a network and nodes.
type world struct {
	l   *loop.Loop
	src rng.Source
	net *simnet.Net
}

func newWorld(seed uint64, tr *trace.Trace, link simnet.LinkConfig) *world {
	l := loop.New(tr)
	src := rng.New(seed)
	return &world{l: l, src: src, net: simnet.New(l, src.Stream("net"), link)}
}

func (w *world) startNode(t testing.TB, name string) *Host {
	t.Helper()
	sub := w.src.Sub("node/" + name)
	nd := node.New(node.DefaultConfig(), node.Env{Clock: simclock.New(w.l, 0), Rand: sub.PCG("rand")})
	h, err := Start(w.l, w.net, name+":6379", nd)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (w *world) dial(t testing.TB, from, addr string) *simclient.Client {
	t.Helper()
	c, err := simclient.Dial(w.net, from, addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reply is a recorded callback result.
type reply struct {
	v   wire.Value
	err error
	at  time.Duration
}

func (w *world) do(c *simclient.Client, args ...string) *reply {
	r := &reply{at: -1}
	c.Do(func(v wire.Value, err error) { r.v, r.err, r.at = v, err, w.l.Now() }, args...)
	return r
}

func (r *reply) String() string {
	if r.err != nil {
		return "err: " + r.err.Error()
	}
	return r.v.String()
}

func lat(d time.Duration) simnet.LinkConfig { return simnet.LinkConfig{Latency: simnet.Dist{Min: d}} }

func TestSetGetThroughTheNetwork(t *testing.T) {
	w := newWorld(1, nil, lat(time.Millisecond))
	w.startNode(t, "n1")
	c := w.dial(t, "c1", "n1:6379")
	set := w.do(c, "SET", "k", "v")
	get := w.do(c, "GET", "k")
	w.l.RunFor(time.Second)
	if set.String() != `"OK"` || get.String() != `"v"` {
		t.Fatalf("SET → %s, GET → %s", set, get)
	}
	// Both commands went out together: one trip there, one back.
	if set.at != 2*time.Millisecond || get.at != 2*time.Millisecond {
		t.Fatalf("replies at %v and %v, want 2ms", set.at, get.at)
	}
}

func TestFragmentedPipeline(t *testing.T) {
	link := simnet.LinkConfig{Latency: simnet.Dist{Min: 100 * time.Microsecond, Mean: time.Millisecond}, MaxSegment: 3}
	w := newWorld(2, nil, link)
	w.startNode(t, "n1")
	c := w.dial(t, "c1", "n1:6379")
	var rs []*reply
	for i := 0; i < 200; i++ {
		rs = append(rs, w.do(c, "APPEND", "log", fmt.Sprintf("<%d>", i)))
	}
	final := w.do(c, "GET", "log")
	w.l.RunFor(10 * time.Second)
	want := 0
	for i, r := range rs {
		want += len(fmt.Sprintf("<%d>", i))
		if r.v.Kind != wire.Integer || r.v.Int != int64(want) {
			t.Fatalf("APPEND %d → %s, want %d", i, r, want)
		}
	}
	if !strings.HasPrefix(final.v.Str, "<0><1><2>") || len(final.v.Str) != want {
		t.Fatalf("GET → %.40s… (%d bytes)", final.v.Str, len(final.v.Str))
	}
}

func TestBlockingCommandsAndPendingOutput(t *testing.T) {
	w := newWorld(3, nil, lat(time.Millisecond))
	w.startNode(t, "n1")
	a, b := w.dial(t, "c1", "n1:6379"), w.dial(t, "c2", "n1:6379")
	popped := w.do(a, "BLPOP", "q", "0")
	w.l.RunFor(100 * time.Millisecond)
	if popped.at >= 0 {
		t.Fatalf("BLPOP returned early: %s", popped)
	}
	w.do(b, "RPUSH", "q", "job")
	w.l.RunFor(100 * time.Millisecond)
	if popped.String() != `["q", "job"]` || popped.at != 100*time.Millisecond+2*time.Millisecond {
		t.Fatalf("BLPOP → %s at %v", popped, popped.at)
	}
	// A timeout runs on simulated time, through the host's ticks.
	start := w.l.Now()
	timedOut := w.do(a, "BLPOP", "q", "0.5")
	w.l.RunFor(time.Second)
	if !timedOut.v.Null || timedOut.at < start+501*time.Millisecond || timedOut.at > start+510*time.Millisecond {
		t.Fatalf("BLPOP 0.5 → %s after %v", timedOut, timedOut.at-start)
	}
}

func TestExpiryFollowsSimulatedTime(t *testing.T) {
	w := newWorld(4, nil, lat(time.Millisecond))
	w.startNode(t, "n1")
	c := w.dial(t, "c1", "n1:6379")
	w.do(c, "SET", "k", "v", "PX", "500")
	for i := 0; i < 100; i++ {
		w.do(c, "SET", fmt.Sprintf("t%d", i), "v", "PX", "300")
	}
	w.l.RunFor(400 * time.Millisecond)
	early := w.do(c, "GET", "k")
	w.l.RunFor(200 * time.Millisecond)
	late := w.do(c, "GET", "k")
	w.l.RunFor(2 * time.Second)
	size := w.do(c, "DBSIZE") // the t* keys were never read: active expiry removed them
	w.l.RunFor(100 * time.Millisecond)
	if early.String() != `"v"` || !late.v.Null || size.v.Int != 0 {
		t.Fatalf("GET at 400ms → %s, at 600ms → %s, DBSIZE → %s", early, late, size)
	}
}

func TestQuitAndCrash(t *testing.T) {
	w := newWorld(5, nil, lat(time.Millisecond))
	h := w.startNode(t, "n1")
	q := w.dial(t, "c1", "n1:6379")
	bye := w.do(q, "QUIT")
	w.l.RunFor(100 * time.Millisecond)
	if bye.String() != `"OK"` || !errors.Is(q.Err(), io.EOF) || h.Conns() != 0 {
		t.Fatalf("QUIT → %s, client err %v, host conns %d", bye, q.Err(), h.Conns())
	}

	c := w.dial(t, "c2", "n1:6379")
	blocked := w.do(c, "BLPOP", "nothing", "0")
	w.l.RunFor(100 * time.Millisecond)
	h.Crash()
	w.l.RunFor(100 * time.Millisecond)
	if !errors.Is(blocked.err, simnet.ErrReset) {
		t.Fatalf("blocked command after crash: %s", blocked)
	}
	late := w.dial(t, "c3", "n1:6379")
	r := w.do(late, "PING")
	w.l.RunFor(100 * time.Millisecond)
	if !errors.Is(r.err, simnet.ErrRefused) {
		t.Fatalf("dial to a crashed host: %s", r)
	}
}

// workload runs clients that issue the checked commands through a faulty
// network, each against one node, and records one history per node (the
// nodes do not replicate yet). A broken connection makes the outcome
// unknown; the client reconnects to the same node under a new id.
type workload struct {
	w       *world
	hists   []model.History
	r       interface{ IntN(int) int }
	ops     int
	limit   int
	unknown int
}

// think is the longest pause, in µs, between a client's operations.
const think = 100000

func (wl *workload) client(host string, nodeIdx int) {
	h := &wl.hists[nodeIdx]
	addr := fmt.Sprintf("n%d:6379", nodeIdx+1)
	id := h.NewClient()
	c, _ := simclient.Dial(wl.w.net, host, addr)
	var next func()
	next = func() {
		if wl.ops >= wl.limit {
			c.Close()
			return
		}
		wl.ops++
		in := wl.input()
		call := h.Stamp(int64(wl.w.l.Now()))
		send(c, in, func(out model.Output, err error) {
			if err != nil {
				id = h.AddUnknown(id, in, call)
				wl.unknown++
				wl.w.l.After(time.Duration(1+wl.r.IntN(20))*time.Millisecond, "client.reconnect", func() {
					c, _ = simclient.Dial(wl.w.net, host, addr)
					next()
				})
				return
			}
			h.Add(id, in, out, call, h.Stamp(int64(wl.w.l.Now())))
			wl.w.l.After(time.Duration(wl.r.IntN(think))*time.Microsecond, "client.think", next)
		})
	}
	next()
}

func (wl *workload) input() model.Input {
	keys := []string{"{a}x", "{a}y", "b", "c", "d"}
	k := keys[wl.r.IntN(len(keys))]
	v := fmt.Sprint(wl.ops)
	switch wl.r.IntN(8) {
	case 0:
		return model.One(model.Get, k, "")
	case 1:
		return model.One(model.Set, k, v)
	case 2:
		return model.One(model.SetGet, k, v)
	case 3:
		return model.One(model.Incr, k, "")
	case 4:
		return model.One(model.Append, k, ","+v)
	case 5:
		return model.One(model.Del, k, "")
	case 6:
		return model.MSetOf("{a}x", v, "{a}y", v)
	default:
		return model.MultiOf(model.Cmd{Op: model.Incr, Key: "{a}x"}, model.Cmd{Op: model.Get, Key: "{a}y"})
	}
}

// send sends an input (MULTI/EXEC for a transaction) and reports its
// output, or the error that made it unknown.
func send(c *simclient.Client, in model.Input, done func(model.Output, error)) {
	switch in.Kind {
	case model.MSet:
		args := []string{"MSET"}
		for _, cmd := range in.Cmds {
			args = append(args, cmd.Key, cmd.Arg)
		}
		c.Do(func(v wire.Value, err error) { done(model.Replied(toReply(v)), err) }, args...)
	case model.Multi:
		c.Do(func(wire.Value, error) {}, "MULTI")
		for _, cmd := range in.Cmds {
			c.Do(func(wire.Value, error) {}, cmd.Args()...)
		}
		c.Do(func(v wire.Value, err error) {
			var out model.Output
			for _, e := range v.Elems {
				out.Replies = append(out.Replies, toReply(e))
			}
			done(out, err)
		}, "EXEC")
	default:
		c.Do(func(v wire.Value, err error) { done(model.Replied(toReply(v)), err) }, in.Cmds[0].Args()...)
	}
}

func toReply(v wire.Value) model.Reply {
	switch {
	case v.Null:
		return model.Reply{Kind: model.Nil}
	case v.Kind == wire.Simple && v.Str == "OK":
		return model.Reply{Kind: model.OK}
	case v.Kind == wire.Bulk:
		return model.Reply{Kind: model.Bulk, Str: v.Str}
	case v.Kind == wire.Integer:
		return model.Reply{Kind: model.Int, Int: v.Int}
	default:
		return model.Reply{Kind: model.Err, Str: v.Str}
	}
}

// runWorkload is one seed: nodes, clients spread over them, network
// faults between clients and nodes, until ops operations were issued and
// every client has hung up.
func runWorkload(tb testing.TB, seed uint64, tr *trace.Trace, nodes, clients, ops int, faults bool) *workload {
	w := newWorld(seed, tr, simnet.LinkConfig{Latency: simnet.Dist{Min: 50 * time.Microsecond, Mean: 500 * time.Microsecond, Max: 20 * time.Millisecond}})
	wl := &workload{w: w, r: w.src.Stream("workload"), limit: ops, hists: make([]model.History, nodes)}
	var hosts []*Host
	for i := 1; i <= nodes; i++ {
		hosts = append(hosts, w.startNode(tb, fmt.Sprintf("n%d", i)))
	}
	for i := 0; i < clients; i++ {
		wl.client(fmt.Sprintf("c%d", i), i%nodes)
	}
	if faults {
		fr := w.src.Stream("faults")
		var fault func()
		fault = func() {
			if wl.ops >= wl.limit {
				return
			}
			c, n := fmt.Sprintf("c%d", fr.IntN(clients)), fmt.Sprintf("n%d", 1+fr.IntN(nodes))
			switch fr.IntN(3) {
			case 0:
				w.net.ResetBetween(c, n)
			case 1:
				w.net.Partition(c, n, simnet.Drop)
				w.l.After(30*time.Millisecond, "fault.heal", func() { w.net.Heal(c, n) })
			default:
				w.net.ClogBoth(c, n, 20*time.Millisecond)
			}
			w.l.After(time.Duration(fr.IntN(400))*time.Millisecond, "fault", fault)
		}
		w.l.After(50*time.Millisecond, "fault", fault)
	}
	w.l.RunUntilDone(10*time.Minute, func() bool { return wl.ops >= wl.limit && allIdle(hosts) })
	return wl
}

// check checks every node's history.
func (wl *workload) check(tb testing.TB) {
	for i := range wl.hists {
		res, info := model.Check(wl.hists[i].Operations(), 30*time.Second)
		if res != porcupine.Ok {
			path := fmt.Sprintf("%s/history-n%d.html", tb.TempDir(), i+1)
			porcupine.VisualizePath(model.Model(), info, path)
			tb.Fatalf("node n%d: %s (%s)", i+1, res, path)
		}
	}
}

func allIdle(hosts []*Host) bool {
	for _, h := range hosts {
		if h.Conns() > 0 {
			return false
		}
	}
	return true
}

func TestWorkloadIsLinearizable(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		wl := runWorkload(t, seed, nil, 1+int(seed%3), 6, 1000, seed%2 == 0)
		wl.check(t)
		if seed%2 == 0 && wl.unknown == 0 {
			t.Fatalf("seed %d: faults made no outcome unknown", seed)
		}
		t.Logf("seed %d: %d nodes, %d ops, %d unknown, sim %v, %d events", seed, len(wl.hists), wl.ops, wl.unknown, wl.w.l.Now(), wl.w.l.Fired())
	}
}

func TestWorkloadDeterminism(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		if err := trace.CheckDeterminism(func(tr *trace.Trace) { runWorkload(t, seed, tr, 3, 6, 300, true) }); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
}

// BenchmarkSeed is one seed of the shape the simulator targets: 3 nodes,
// 8 clients, 1000 client operations with network faults, plus the
// porcupine check.
func BenchmarkSeed(b *testing.B) {
	var events, simNs float64
	for i := 0; i < b.N; i++ {
		wl := runWorkload(b, uint64(i+1), nil, 3, 8, 1000, true)
		wl.check(b)
		events += float64(wl.w.l.Fired())
		simNs += float64(wl.w.l.Now())
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec*60, "seeds/min")
	b.ReportMetric(events/sec, "events/s")
	b.ReportMetric(simNs/1e9/sec, "sim-s/s")
}

// With FlushDelay a reply leaves in a later event than the command, so a
// crash can fall in between: the command ran, its reply never left.
func TestFlushDelayAndOnOutput(t *testing.T) {
	w := newWorld(6, nil, lat(time.Millisecond))
	h := w.startNode(t, "n1")
	h.FlushDelay = 5 * time.Millisecond
	outputs := 0
	h.OnOutput = func(int64, []byte) { outputs++ }
	c := w.dial(t, "c1", "n1:6379")
	set := w.do(c, "SET", "k", "v")
	w.l.RunFor(100 * time.Millisecond)
	if set.String() != `"OK"` || set.at != 7*time.Millisecond || outputs != 1 {
		t.Fatalf("SET → %s at %v (want 1ms there, 5ms delay, 1ms back), %d outputs", set, set.at, outputs)
	}
	get := w.do(c, "GET", "k")
	w.l.RunFor(3 * time.Millisecond) // the GET ran, its reply waits
	h.Crash()
	w.l.RunFor(100 * time.Millisecond)
	if !errors.Is(get.err, simnet.ErrReset) || outputs != 1 {
		t.Fatalf("GET after a crash before its reply left: %s, %d outputs", get, outputs)
	}
}

// A node that reports Fatal (an fsync failed under appendfsync always)
// takes its host down before any reply leaves.
func TestFatalCrashesTheHost(t *testing.T) {
	w := newWorld(7, nil, lat(time.Millisecond))
	cfg := node.DefaultConfig()
	for _, kv := range [][2]string{{"appendonly", "yes"}, {"appendfsync", "always"}, {"save", ""}} {
		if err := cfg.Set(kv[0], kv[1], true); err != nil {
			t.Fatal(err)
		}
	}
	fs := simfs.New()
	nd := node.New(cfg, node.Env{Clock: simclock.New(w.l, 0), Rand: w.src.PCG("n1"), FS: fs})
	if err := nd.Load(); err != nil {
		t.Fatal(err)
	}
	h, err := Start(w.l, w.net, "n1:6379", nd)
	if err != nil {
		t.Fatal(err)
	}
	var fatal error
	h.OnFatal = func(err error) { fatal = err }
	c := w.dial(t, "c1", "n1:6379")
	w.do(c, "SET", "a", "1")
	w.l.RunFor(10 * time.Millisecond)
	fs.Inject(simfs.Fault{Op: simfs.OpSync, Count: 1, Err: syscall.EIO})
	set := w.do(c, "SET", "b", "2")
	w.l.RunFor(10 * time.Millisecond)
	if fatal == nil || !h.Down() || !errors.Is(set.err, simnet.ErrReset) {
		t.Fatalf("fatal %v, down %v, SET → %s", fatal, h.Down(), set)
	}
}
