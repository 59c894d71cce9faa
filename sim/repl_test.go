package sim

import (
	"testing"

	"opdis/sim/cluster"
)

// A replicated run with failovers and partitions: the replicas follow
// the master through full and partial resyncs, failovers complete, and
// C1, C2, C3 and C6 hold.
func TestReplicatedRunWithFailovers(t *testing.T) {
	o := Draw(7)
	if err := o.Apply([]string{"nodes=3", "replicas=true", "failover=1", "partition=0.5", "repl-backlog=1mb",
		"kill=0", "power-loss=0", "midop-crash=0", "disk-fault=0", "duration=6s"}); err != nil {
		t.Fatal(err)
	}
	res := RunChecked(o, nil, true)
	if res.Failed() {
		t.Fatalf("%s: %v", o.Repro(), res.Failures)
	}
	s := res.Stats
	if s.Failovers-s.FailoversAborted == 0 || s.SyncFull == 0 || s.OK == 0 {
		t.Fatalf("%s: the run did not exercise replication: %+v", o.Repro(), s)
	}
	t.Logf("%+v", s)
}

// C2 compares datasets key by key: a replica that misses a write, holds
// an extra key or another value is reported with the key.
func TestConvergenceDiff(t *testing.T) {
	d := cluster.DiffDatasets(map[string]string{"a": "1", "b": "2", "c": "3"}, map[string]string{"a": "1", "b": "x", "d": "4"})
	want := "  ~b: \"2\" != \"x\"\n  -c = \"3\"\n  +d = \"4\"\n"
	if d != want {
		t.Fatalf("diff:\n%s\nwant:\n%s", d, want)
	}
}
