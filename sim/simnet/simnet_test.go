package simnet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/trace"
)

func newNet(seed uint64, def LinkConfig) (*loop.Loop, *Net) {
	l := loop.New(nil)
	return l, New(l, rng.New(seed).Stream("net"), def)
}

// sink records what an endpoint receives and when.
type sink struct {
	l       *loop.Loop
	data    bytes.Buffer
	reads   int
	times   []time.Duration
	closed  []error
	closeAt time.Duration
}

func (s *sink) attach(l *loop.Loop, e *Endpoint) {
	s.l = l
	e.OnData = func(p []byte) {
		s.data.Write(p)
		s.reads++
		s.times = append(s.times, l.Now())
	}
	e.OnClose = func(err error) {
		s.closed = append(s.closed, err)
		s.closeAt = l.Now()
	}
}

// listenSinks accepts on addr and gives each accepted endpoint a sink.
func listenSinks(t *testing.T, l *loop.Loop, n *Net, addr string) (*[]*Endpoint, *[]*sink) {
	t.Helper()
	var eps []*Endpoint
	var sinks []*sink
	if _, err := n.Listen(addr, func(e *Endpoint) {
		s := &sink{}
		s.attach(l, e)
		eps = append(eps, e)
		sinks = append(sinks, s)
	}); err != nil {
		t.Fatal(err)
	}
	return &eps, &sinks
}

func dial(t *testing.T, l *loop.Loop, n *Net, from, addr string) (*Endpoint, *sink) {
	t.Helper()
	e, err := n.Dial(from, addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{}
	s.attach(l, e)
	return e, s
}

func TestDialWriteBothWays(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:6379")
	c, cs := dial(t, l, n, "cli", "srv:6379")
	c.Write([]byte("hello ")) // before the accept: delivered after it
	c.Write([]byte("world"))
	l.Run()
	if len(*eps) != 1 || (*sinks)[0].data.String() != "hello world" {
		t.Fatalf("server got %d conns, %q", len(*eps), (*sinks)[0].data.String())
	}
	if got := (*sinks)[0].times[0]; got != time.Millisecond {
		t.Fatalf("arrived at %v, want 1ms", got)
	}
	se := (*eps)[0]
	if se.LocalAddr() != "srv:6379" || se.RemoteAddr() != c.LocalAddr() || !strings.HasPrefix(c.LocalAddr(), "cli:") {
		t.Fatalf("addresses: server %s<-%s, client %s", se.LocalAddr(), se.RemoteAddr(), c.LocalAddr())
	}
	se.Write([]byte("pong"))
	l.Run()
	if cs.data.String() != "pong" || cs.times[0] != 2*time.Millisecond {
		t.Fatalf("client got %q at %v", cs.data.String(), cs.times)
	}
}

// TestInOrderUnderRandomLatency: latencies are drawn per write, yet every
// byte arrives in write order and never before its own latency floor.
func TestInOrderUnderRandomLatency(t *testing.T) {
	l, n := newNet(3, LinkConfig{Latency: Dist{Min: 100 * time.Microsecond, Mean: 2 * time.Millisecond, Max: 20 * time.Millisecond}})
	_, sinks := listenSinks(t, l, n, "srv:1")
	c, _ := dial(t, l, n, "cli", "srv:1")
	var want bytes.Buffer
	sent := map[int]time.Duration{}
	for i := 0; i < 500; i++ {
		at := time.Duration(i) * 50 * time.Microsecond
		l.At(at, "write", func() {
			msg := fmt.Sprintf("<%d>", i)
			want.WriteString(msg)
			sent[i] = l.Now()
			c.Write([]byte(msg))
		})
	}
	l.Run()
	s := (*sinks)[0]
	if s.data.String() != want.String() {
		t.Fatal("stream reordered or lost bytes")
	}
	if s.reads >= 500 {
		t.Fatalf("%d reads for 500 writes: nothing was coalesced", s.reads)
	}
	if s.reads < 10 {
		t.Fatalf("only %d reads: latencies not applied per write", s.reads)
	}
	// The first byte of each read arrived after its write plus the floor.
	pos := 0
	for i, at := range s.times {
		var k int
		fmt.Sscanf(s.data.String()[pos:], "<%d>", &k)
		if at < sent[k]+100*time.Microsecond {
			t.Fatalf("read %d (msg %d) at %v, sent at %v", i, k, at, sent[k])
		}
		pos += strings.Index(s.data.String()[pos:], ">") + 1
	}
}

func TestBandwidthAndSegments(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}, Bandwidth: 1 << 20, MaxSegment: 64 << 10})
	_, sinks := listenSinks(t, l, n, "srv:1")
	c, _ := dial(t, l, n, "cli", "srv:1")
	l.Run()
	big := make([]byte, 1<<20) // 1 MiB at 1 MiB/s, delivered (and compacted) in pieces
	for i := range big {
		big[i] = byte(i * 7 / 3)
	}
	c.Write(big)
	l.Run()
	s := (*sinks)[0]
	if !bytes.Equal(s.data.Bytes(), big) {
		t.Fatalf("got %d bytes, not the ones sent", s.data.Len())
	}
	if s.reads != 16 {
		t.Fatalf("%d reads, want 16 segments of 64 KiB", s.reads)
	}
	if last := s.times[len(s.times)-1]; last != time.Millisecond+time.Second+time.Millisecond {
		t.Fatalf("last byte at %v, want 1s of transfer after 1ms", last)
	}
}

func TestClogHoldsThenDeliversInOrder(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	l.Run()
	n.Clog("cli", "srv", time.Second)
	for i := 0; i < 5; i++ {
		l.At(l.Now()+time.Duration(i)*100*time.Millisecond, "w", func() { c.Write([]byte{'a' + byte(i)}) })
	}
	(*eps)[0].Write([]byte("reply")) // the other direction is not clogged
	l.RunUntil(999 * time.Millisecond)
	s := (*sinks)[0]
	if s.data.Len() != 0 {
		t.Fatalf("clogged link delivered %q", s.data.String())
	}
	if cs.data.String() != "reply" {
		t.Fatalf("reverse direction got %q", cs.data.String())
	}
	l.Run()
	if s.data.String() != "abcde" || s.times[0] != time.Second+time.Millisecond {
		t.Fatalf("after clog: %q at %v", s.data.String(), s.times)
	}
}

func TestPartitionHold(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	l.Run()
	n.Partition("cli", "srv", Hold)
	c.Write([]byte("during"))
	(*eps)[0].Write([]byte("back"))
	l.RunFor(10 * time.Second)
	if (*sinks)[0].data.Len() != 0 || cs.data.Len() != 0 {
		t.Fatal("bytes crossed a partition")
	}
	if len((*sinks)[0].closed) != 0 || len(cs.closed) != 0 || c.Closed() {
		t.Fatal("a hold partition closed the connection")
	}
	n.Heal("cli", "srv")
	l.Run()
	if (*sinks)[0].data.String() != "during" || cs.data.String() != "back" {
		t.Fatalf("after heal: %q / %q", (*sinks)[0].data.String(), cs.data.String())
	}
	if at := (*sinks)[0].times[0]; at != 10*time.Second+time.Millisecond {
		t.Fatalf("delivered at %v, want at heal", at)
	}
}

func TestOneWayPartition(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	l.Run()
	n.PartitionOneWay("srv", "cli", Hold) // the server can hear but not answer
	c.Write([]byte("req"))
	(*eps)[0].Write([]byte("resp"))
	l.RunFor(time.Second)
	if (*sinks)[0].data.String() != "req" || cs.data.Len() != 0 {
		t.Fatalf("one-way: server got %q, client got %q", (*sinks)[0].data.String(), cs.data.String())
	}
	n.HealOneWay("srv", "cli")
	l.Run()
	if cs.data.String() != "resp" {
		t.Fatalf("after heal client got %q", cs.data.String())
	}
}

func TestPartitionDropResets(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	idle, idleSink := dial(t, l, n, "cli", "srv:1")
	l.Run()
	(*eps)[0].Write([]byte("in flight")) // arrives after the partition starts
	n.Partition("cli", "srv", Drop)
	l.Run()
	if cs.data.Len() != 0 || len(cs.closed) != 1 || !errors.Is(cs.closed[0], ErrUnreachable) {
		t.Fatalf("client: data %q closed %v", cs.data.String(), cs.closed)
	}
	if len((*sinks)[0].closed) != 1 || !errors.Is((*sinks)[0].closed[0], ErrUnreachable) {
		t.Fatalf("server: closed %v", (*sinks)[0].closed)
	}
	if err := c.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after reset: %v", err)
	}
	// A connection that sends nothing is not affected, as in TCP.
	if len(idleSink.closed) != 0 || idle.Closed() {
		t.Fatal("an idle connection was reset")
	}
	// A new dial cannot cross.
	_, ds := dial(t, l, n, "cli", "srv:1")
	l.Run()
	if len(ds.closed) != 1 || !errors.Is(ds.closed[0], ErrUnreachable) || len(*eps) != 2 {
		t.Fatalf("dial across a drop partition: closed %v, accepted %d", ds.closed, len(*eps))
	}
	n.HealAll()
	idle.Write([]byte("ok"))
	l.Run()
	if (*sinks)[1].data.String() != "ok" {
		t.Fatalf("idle connection after heal got %q", (*sinks)[1].data.String())
	}
}

func TestIsolate(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	_, s1 := listenSinks(t, l, n, "n1:1")
	_, s2 := listenSinks(t, l, n, "n2:1")
	a, _ := dial(t, l, n, "cli", "n1:1")
	b, _ := dial(t, l, n, "cli", "n2:1")
	l.Run()
	n.Isolate("n1", Hold)
	a.Write([]byte("a"))
	b.Write([]byte("b"))
	l.RunFor(time.Second)
	if (*s1)[0].data.Len() != 0 || (*s2)[0].data.String() != "b" {
		t.Fatal("isolation cut the wrong host")
	}
	n.Rejoin("n1")
	l.Run()
	if (*s1)[0].data.String() != "a" {
		t.Fatal("rejoin did not release held bytes")
	}
}

func TestResetDropsInFlightAndTellsBothEnds(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: 10 * time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	c.Write([]byte("first"))
	l.Run()
	c.Write([]byte("lost"))
	(*eps)[0].Write([]byte("lost too"))
	l.RunFor(5 * time.Millisecond)
	c.Conn().Reset()
	l.Run()
	ss := (*sinks)[0]
	if ss.data.String() != "first" || cs.data.Len() != 0 {
		t.Fatalf("in-flight bytes survived: server %q client %q", ss.data.String(), cs.data.String())
	}
	for name, s := range map[string]*sink{"client": cs, "server": ss} {
		if len(s.closed) != 1 || !errors.Is(s.closed[0], ErrReset) {
			t.Fatalf("%s saw closes %v", name, s.closed)
		}
	}
	if n.Stats().BytesDropped != int64(len("lost")+len("lost too")) {
		t.Fatalf("dropped %d bytes", n.Stats().BytesDropped)
	}
	if len(n.Conns()) != 0 {
		t.Fatal("reset connection still listed")
	}
	// Reset from one end: only the peer is told.
	c2, cs2 := dial(t, l, n, "cli", "srv:1")
	l.Run()
	c2.Reset()
	l.Run()
	if len(cs2.closed) != 0 || len((*sinks)[1].closed) != 1 || !errors.Is((*sinks)[1].closed[0], ErrReset) {
		t.Fatalf("endpoint reset: local %v peer %v", cs2.closed, (*sinks)[1].closed)
	}
}

func TestResetHostAndBetween(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	listenSinks(t, l, n, "n1:1")
	listenSinks(t, l, n, "n2:1")
	_, a := dial(t, l, n, "c1", "n1:1")
	_, b := dial(t, l, n, "c1", "n2:1")
	_, c := dial(t, l, n, "c2", "n1:1")
	l.Run()
	n.ResetBetween("n1", "c1")
	l.Run()
	if len(a.closed) != 1 || len(b.closed) != 0 || len(c.closed) != 0 {
		t.Fatalf("ResetBetween: %v %v %v", a.closed, b.closed, c.closed)
	}
	n.ResetHost("n1")
	l.Run()
	if len(b.closed) != 0 || len(c.closed) != 1 {
		t.Fatalf("ResetHost: %v %v", b.closed, c.closed)
	}
}

func TestCloseDeliversDataThenEOF(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond, Mean: time.Millisecond}})
	eps, sinks := listenSinks(t, l, n, "srv:1")
	c, cs := dial(t, l, n, "cli", "srv:1")
	l.Run()
	(*eps)[0].Write([]byte("bye"))
	(*eps)[0].Close()
	if err := (*eps)[0].Write([]byte("late")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	l.Run()
	if cs.data.String() != "bye" || len(cs.closed) != 1 || cs.closed[0] != io.EOF || cs.closeAt < cs.times[0] {
		t.Fatalf("client: %q closes %v", cs.data.String(), cs.closed)
	}
	if len((*sinks)[0].closed) != 0 {
		t.Fatal("the closing end got OnClose")
	}
	c.Close()
	l.Run()
	if len(n.Conns()) != 0 {
		t.Fatal("connection closed by both ends still listed")
	}
}

func TestDialRefused(t *testing.T) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: time.Millisecond}})
	c, cs := dial(t, l, n, "cli", "srv:1")
	c.Write([]byte("nobody"))
	l.Run()
	if len(cs.closed) != 1 || !errors.Is(cs.closed[0], ErrRefused) || cs.closeAt != 2*time.Millisecond {
		t.Fatalf("closes %v at %v", cs.closed, cs.closeAt)
	}
	lis, _ := n.Listen("srv:1", func(*Endpoint) {})
	if _, err := n.Listen("srv:1", func(*Endpoint) {}); err == nil {
		t.Fatal("listened twice on one address")
	}
	lis.Close()
	if _, err := n.Listen("srv:1", func(*Endpoint) {}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"srv", ":1", "srv:x", "srv:70000"} {
		if _, err := n.Dial("cli", bad); err == nil {
			t.Errorf("dial %q accepted", bad)
		}
	}
}

// scenario is a random little world: clients talk to two echo servers
// while faults come and go. It is the determinism test's workload.
func scenario(seed uint64, tr *trace.Trace) {
	l := loop.New(tr)
	src := rng.New(seed)
	n := New(l, src.Stream("net"), LinkConfig{Latency: Dist{Min: 100 * time.Microsecond, Mean: time.Millisecond, Max: 50 * time.Millisecond}, MaxSegment: 7})
	r := src.Stream("workload")
	for _, addr := range []string{"n1:1", "n2:1"} {
		n.Listen(addr, func(e *Endpoint) {
			e.OnData = func(p []byte) { e.Write(p) }
			e.OnClose = func(error) { e.Close() }
		})
	}
	hosts := []string{"n1", "n2", "c1", "c2", "c3"}
	for i := 0; i < 200; i++ {
		at := time.Duration(r.IntN(1000)) * time.Millisecond
		switch k := r.IntN(10); {
		case k < 6:
			from, to := hosts[2+r.IntN(3)], []string{"n1:1", "n2:1"}[r.IntN(2)]
			msg := strings.Repeat(string(rune('a'+r.IntN(26))), 1+r.IntN(30))
			l.At(at, "dial", func() {
				e, _ := n.Dial(from, to)
				e.OnData = func(p []byte) {}
				e.Write([]byte(msg))
				l.After(5*time.Millisecond, "close", e.Close)
			})
		case k < 7:
			a, b, mode := hosts[r.IntN(5)], hosts[r.IntN(5)], Mode(1+r.IntN(2))
			l.At(at, "partition", func() { n.Partition(a, b, mode) })
		case k < 8:
			a, b := hosts[r.IntN(5)], hosts[r.IntN(5)]
			l.At(at, "clog", func() { n.ClogBoth(a, b, 20*time.Millisecond) })
		case k < 9:
			l.At(at, "heal", n.HealAll)
		default:
			h := hosts[r.IntN(5)]
			l.At(at, "reset", func() { n.ResetHost(h) })
		}
	}
	l.At(2*time.Second, "heal", n.HealAll)
	l.Run()
}

func TestDeterminism(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		if err := trace.CheckDeterminism(func(tr *trace.Trace) { scenario(seed, tr) }); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
	}
	a, b := trace.New(trace.Options{}), trace.New(trace.Options{})
	scenario(1, a)
	scenario(2, b)
	if a.Sum() == b.Sum() {
		t.Fatal("seeds 1 and 2 ran identically")
	}
	if a.Len() < 1000 {
		t.Fatalf("scenario recorded only %d events", a.Len())
	}
}

// BenchmarkPingPong measures a request/response exchange over one
// connection: two writes, two deliveries per op.
func BenchmarkPingPong(b *testing.B) {
	l, n := newNet(1, LinkConfig{Latency: Dist{Min: 50 * time.Microsecond, Mean: 50 * time.Microsecond}})
	n.Listen("srv:1", func(e *Endpoint) { e.OnData = func(p []byte) { e.Write(p) } })
	c, _ := n.Dial("cli", "srv:1")
	msg := []byte("*1\r\n$4\r\nPING\r\n")
	left := b.N
	c.OnData = func(p []byte) {
		if left > 0 {
			left--
			c.Write(msg)
		}
	}
	c.Write(msg)
	b.ReportAllocs()
	b.ResetTimer()
	l.Run()
	b.ReportMetric(float64(l.Fired())/b.Elapsed().Seconds(), "events/s")
}

// TestStreamIntegrity drives random writes, closes and faults over a few
// connections: whatever happens, each end receives a prefix of what its
// peer wrote, in order; after healing, an unbroken connection delivers
// everything; a broken one tells both ends exactly once.
func TestStreamIntegrity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		link := LinkConfig{
			Latency:    Dist{Min: time.Duration(rapid.IntRange(0, 1000).Draw(t, "min")) * time.Microsecond, Mean: time.Duration(rapid.IntRange(0, 2000).Draw(t, "mean")) * time.Microsecond},
			Bandwidth:  int64(rapid.SampledFrom([]int{0, 1000, 100000}).Draw(t, "bw")),
			MaxSegment: rapid.IntRange(0, 5).Draw(t, "mss"),
		}
		l, n := newNet(rapid.Uint64().Draw(t, "seed"), link)
		hosts := []string{"a", "b", "c"}
		type side struct {
			ep     *Endpoint
			sent   bytes.Buffer
			got    bytes.Buffer
			closes []error
		}
		var conns [][2]*side
		for _, h := range hosts {
			n.Listen(h+":1", func(e *Endpoint) {
				for _, c := range conns {
					if c[0].ep.Conn() == e.Conn() {
						c[1].ep = e
						e.OnData = func(p []byte) { c[1].got.Write(p) }
						e.OnClose = func(err error) { c[1].closes = append(c[1].closes, err) }
					}
				}
			})
		}
		t.Repeat(map[string]func(*rapid.T){
			"dial": func(t *rapid.T) {
				from, to := rapid.SampledFrom(hosts).Draw(t, "from"), rapid.SampledFrom(hosts).Draw(t, "to")
				e, _ := n.Dial(from, to+":1")
				s := &side{ep: e}
				e.OnData = func(p []byte) { s.got.Write(p) }
				e.OnClose = func(err error) { s.closes = append(s.closes, err) }
				conns = append(conns, [2]*side{s, {}})
			},
			"write": func(t *rapid.T) {
				if len(conns) == 0 {
					t.Skip("no connection")
				}
				c := conns[rapid.IntRange(0, len(conns)-1).Draw(t, "conn")]
				s := c[rapid.IntRange(0, 1).Draw(t, "side")]
				if s.ep == nil || s.ep.Closed() {
					t.Skip("end not usable")
				}
				p := []byte(rapid.StringMatching(`[a-z]{1,12}`).Draw(t, "data"))
				if err := s.ep.Write(p); err != nil {
					t.Fatal(err)
				}
				s.sent.Write(p)
			},
			"run": func(t *rapid.T) {
				l.RunFor(time.Duration(rapid.IntRange(0, 5000).Draw(t, "us")) * time.Microsecond)
			},
			"fault": func(t *rapid.T) {
				a, b := rapid.SampledFrom(hosts).Draw(t, "a"), rapid.SampledFrom(hosts).Draw(t, "b")
				switch rapid.IntRange(0, 5).Draw(t, "kind") {
				case 0:
					n.Partition(a, b, Mode(rapid.IntRange(1, 2).Draw(t, "mode")))
				case 1:
					n.PartitionOneWay(a, b, Mode(rapid.IntRange(1, 2).Draw(t, "mode")))
				case 2:
					n.Clog(a, b, time.Duration(rapid.IntRange(1, 10).Draw(t, "ms"))*time.Millisecond)
				case 3:
					n.Isolate(a, Hold)
				case 4:
					n.ResetBetween(a, b)
				case 5:
					n.HealAll()
				}
			},
			"": func(t *rapid.T) {
				for i, c := range conns {
					for k := 0; k < 2; k++ {
						if c[k].ep == nil {
							continue
						}
						if !bytes.HasPrefix(c[1-k].sent.Bytes(), c[k].got.Bytes()) {
							t.Fatalf("conn %d side %d got %q, peer sent %q", i, k, c[k].got.String(), c[1-k].sent.String())
						}
						if len(c[k].closes) > 1 {
							t.Fatalf("conn %d side %d closed %v", i, k, c[k].closes)
						}
					}
				}
			},
		})
		n.HealAll()
		l.Run()
		for i, c := range conns {
			broken := c[0].ep.Conn().dead
			for k := 0; k < 2; k++ {
				s, peer := c[k], c[1-k]
				if s.ep == nil {
					if !broken {
						t.Fatalf("conn %d never accepted but not broken", i)
					}
					continue
				}
				if !broken && s.got.String() != peer.sent.String() {
					t.Fatalf("conn %d side %d: got %q of %q after healing", i, k, s.got.String(), peer.sent.String())
				}
				if broken && len(s.closes) != 1 {
					t.Fatalf("conn %d side %d broken, closes %v", i, k, s.closes)
				}
			}
		}
	})
}
