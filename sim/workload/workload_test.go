package workload

import (
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
	"opdis/node"
	"opdis/sim/loop"
	"opdis/sim/nodehost"
	"opdis/sim/rng"
	"opdis/sim/simclock"
	"opdis/sim/simnet"
)

func setup(t *testing.T, cfg Config) (*loop.Loop, *simnet.Net, *Workload) {
	t.Helper()
	l := loop.New(nil)
	src := rng.New(3)
	net := simnet.New(l, src.Stream("net"), simnet.LinkConfig{Latency: simnet.Dist{Min: 200 * time.Microsecond, Mean: time.Millisecond}})
	for i := 0; i < cfg.Shards; i++ {
		nd := node.New(node.DefaultConfig(), node.Env{Clock: simclock.New(l, 0), Rand: src.PCG("node")})
		if _, err := nodehost.Start(l, net, "n"+string(rune('1'+i))+":6379", nd); err != nil {
			t.Fatal(err)
		}
	}
	cfg.Addr = func(sh int) string { return "n" + string(rune('1'+sh)) + ":6379" }
	return l, net, New(l, net, src.Stream("workload"), cfg)
}

func TestWorkloadHistoryAndFinal(t *testing.T) {
	l, _, w := setup(t, Config{Shards: 2, ClientsPerShard: 8, Groups: 2, Keys: 3, Think: 5 * time.Millisecond,
		Timeout: time.Second, MaxUnknown: 4, MultiPct: 20, MSetPct: 10})
	w.Start()
	l.RunFor(2 * time.Second)
	w.Stop()
	l.RunUntilDone(l.Now()+5*time.Second, w.Idle)
	w.Final()
	if !l.RunUntilDone(l.Now()+5*time.Second, func() bool { return len(w.Unfinished()) == 0 }) {
		t.Fatalf("final transactions unanswered: %d", len(w.Unfinished()))
	}
	ops := w.History().Operations()
	if w.Stats.OK < 1000 || w.Stats.Unknown != 0 || len(ops) != w.Stats.OK {
		t.Fatalf("stats %+v, %d operations", w.Stats, len(ops))
	}
	kinds := map[model.Kind]int{}
	for _, op := range ops {
		in := op.Input.(model.Input)
		kinds[in.Kind]++
		if g := model.Group(in.Cmds[0].Key); !strings.HasPrefix(g, "s1g") && !strings.HasPrefix(g, "s2g") {
			t.Fatalf("key %s outside the shards' groups", in.Cmds[0].Key)
		}
	}
	if kinds[model.Single] == 0 || kinds[model.Multi] == 0 || kinds[model.MSet] == 0 {
		t.Fatalf("operation kinds %v", kinds)
	}
	if res, _ := model.Check(ops, time.Minute); res != porcupine.Ok {
		t.Fatalf("a fault-free history is %s", res)
	}
}

// Broken connections make outcomes unknown; a group that collects
// MaxUnknown open writes is replaced by a fresh one.
func TestUnknownOutcomesRetireGroups(t *testing.T) {
	l, net, w := setup(t, Config{Shards: 1, ClientsPerShard: 4, Groups: 1, Keys: 1, Think: 2 * time.Millisecond,
		Timeout: 50 * time.Millisecond, MaxUnknown: 4})
	w.Start()
	for i := 0; i < 40; i++ {
		l.RunFor(25 * time.Millisecond)
		net.ResetHost("n1")
	}
	if w.Stats.Unknown == 0 || w.Stats.Retired == 0 || len(w.Groups()) != 1+w.Stats.Retired {
		t.Fatalf("stats %+v, %d groups", w.Stats, len(w.Groups()))
	}
	open := map[string]int{}
	for _, op := range w.History().Operations() {
		if op.Return == model.Infinity {
			open[model.Group(op.Input.(model.Input).Cmds[0].Key)]++
		}
	}
	for g, n := range open {
		if n > 4+4 { // the cap, plus writes already in flight when it was reached
			t.Errorf("group %s has %d open writes", g, n)
		}
	}
	if res, _ := model.Check(w.History().Operations(), time.Minute); res != porcupine.Ok {
		t.Fatalf("history is %s", res)
	}
}
