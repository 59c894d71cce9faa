package nodehost

import (
	"testing"
	"time"

	"opdis/node"
	"opdis/sim/simclient"
	"opdis/sim/simclock"
	"opdis/sim/simnet"
)

// startReplicable is startNode with a Dialer, as sim/cluster builds nodes.
func (w *world) startReplicable(t testing.TB, name string) *Host {
	t.Helper()
	sub := w.src.Sub("node/" + name)
	d := &Dialer{}
	nd := node.New(node.DefaultConfig(), node.Env{Clock: simclock.New(w.l, 0), Rand: sub.PCG("rand"), Dialer: d})
	h, err := Start(w.l, w.net, name+":6379", nd)
	if err != nil {
		t.Fatal(err)
	}
	d.Host = h
	return h
}

// REPLICAOF between simulated nodes: the replica dials over simnet,
// full-syncs, then streams; a refused dial (nothing listening) is a lost
// link the node retries, and a replica refuses writes.
func TestReplicaOfOverSimnet(t *testing.T) {
	w := newWorld(1, nil, simnet.LinkConfig{Latency: simnet.Dist{Min: time.Millisecond}})
	m := w.startReplicable(t, "m")
	r := w.startReplicable(t, "r")
	cm, cr := w.dial(t, "c", "m:6379"), w.dial(t, "c", "r:6379")

	if got := w.call(cr, "REPLICAOF", "nowhere", "6379"); got.err != nil || got.v.Str != "OK" {
		t.Fatalf("REPLICAOF nowhere: %+v", got)
	}
	w.l.RunFor(3 * time.Second) // dials are refused; the node keeps trying
	if got := w.call(cr, "REPLICAOF", "m", "6379"); got.err != nil || got.v.Str != "OK" {
		t.Fatalf("REPLICAOF m: %+v", got)
	}
	w.call(cm, "SET", "k1", "before")
	w.l.RunFor(10 * time.Second) // repl-diskless-sync-delay is 5 s by default
	w.call(cm, "SET", "k2", "streamed")
	w.l.RunFor(time.Second)
	for _, kv := range [][2]string{{"k1", "before"}, {"k2", "streamed"}} {
		k, want := kv[0], kv[1]
		if got := w.call(cr, "GET", k); got.err != nil || got.v.Str != want {
			t.Errorf("replica GET %s = %+v, want %q", k, got, want)
		}
	}
	if got := w.call(cr, "SET", "k3", "x"); got.err != nil || !hasPrefix(got.v.Str, "READONLY") {
		t.Errorf("replica SET = %+v, want -READONLY", got)
	}
	if m.Node().NextOpID() != r.Node().NextOpID() {
		t.Errorf("next op id: master %d, replica %d", m.Node().NextOpID(), r.Node().NextOpID())
	}
}

// call sends a command and runs the world until its reply is in.
func (w *world) call(c *simclient.Client, args ...string) *reply {
	r := w.do(c, args...)
	w.l.RunFor(100 * time.Millisecond)
	return r
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }
