package sim

import (
	"strings"
	"testing"
	"time"

	"opdis/sim/cluster"
	"opdis/wire"
)

// Seed 101437: a FAILOVER TO n2 on n1. n2 took the PSYNC … FAILOVER,
// promoted itself, and the controller saw it master and repointed every
// node at it; but n2 died before its +CONTINUE left, so n1, still failing
// over, refused the REPLICAOF ("not allowed while failing over"). n2
// restarted as a master and refused n1's next PSYNC FAILOVER; n1 aborted
// the failover and became a master again, as Redis does. The controller
// had dropped the refused REPLICAOF, so n1 stayed a second master to the
// end (C2). A refused REPLICAOF is sent again while the node's
// configuration names the master. (Without it n1 stays a master and
// "n1 following n2" times out.)
func TestFailoverTargetDiesBeforeItsContinue(t *testing.T) {
	r, step := quietRunner(t, true, "nodes=2", "flush-delay=20ms", "latency-min=1ms", "latency-mean=2ms", "restart-max=100ms")
	n1, n2 := r.c.Node(0), r.c.Node(1)
	step("the first sync", 5*time.Second, r.converged)

	// The controller's FAILOVER path (failoverPoll, committed).
	r.foFrom, r.foTo, r.foStart, r.master, r.foCommitted = 0, 1, r.l.Now(), -1, true
	r.failoverCmd(0, 1)
	// The poll sees n2 master while its +CONTINUE waits for the flush.
	step("the promotion", 5*time.Second, func() bool { return r.master == 1 })
	if f := infoFields(n1.Node()); f["master_failover_state"] == "no-failover" {
		t.Fatalf("n1 already done failing over (%v): the +CONTINUE left before the poll", f)
	}
	n2.Crash(cluster.Kill)
	if err := n2.Restart(); err != nil { // a master: the controller promoted it
		t.Fatal(err)
	}
	step("n1's failover ending", 5*time.Second, func() bool {
		return n1.Node() != nil && infoFields(n1.Node())["master_failover_state"] == "no-failover"
	})
	ok, sent := false, false
	step("a write on n2", 2*time.Second, func() bool {
		if !sent {
			sent = true
			r.adminCall(1, func(v wire.Value, err error) {
				ok = err == nil && v.Kind != wire.Error
				sent = ok
			}, "SET", "{s1g1}a", "after")
		}
		return ok
	})
	step("n1 following n2", 5*time.Second, r.converged)
	var res Result
	r.checkConvergence(&res)
	if res.Failed() {
		t.Fatalf("@%v: %v\nn1: %s", r.l.Now(), res.Failures, n1.Node().Info([]byte("replication")))
	}
	aborted := false
	for _, line := range n1.Logs() {
		if strings.HasSuffix(line, "FAILOVER to n2:6379 aborted: Failover target rejected psync request") {
			aborted = true
		}
	}
	if !aborted {
		t.Fatalf("n1's failover did not abort on n2's refusal: %q", n1.Logs())
	}
}
