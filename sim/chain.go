package sim

import (
	"strconv"
	"strings"

	"opdis/sim/cluster"
)

// Chained replicas (DESIGN §5, §8): the controller's REPLICAOF changes
// make a replica follow another replica, which proxies the master's
// stream byte for byte, or put it back behind the master. C2 and C3 then
// hold through the chain. Not in forced runs: WAIT counts only the
// master's direct replicas, so the WAIT rule could confirm nothing.

// chain makes replica i follow node to (another replica, or the master),
// unless that would close a loop.
func (r *runner) chain(i, to int) {
	if !r.o.Replicas || r.forced || r.master < 0 || r.foFrom >= 0 || r.foCommitted || r.healed {
		return
	}
	if i == r.master || i == to || r.c.Node(i).Config().ReplicaOf == replicaOfAddr(r.c.Node(to)) {
		return
	}
	// Walk up from to: reaching i would make a loop with no master.
	for j, hops := to, 0; j != r.master; hops++ {
		if j == i || hops > len(r.c.Nodes()) {
			return
		}
		j = r.parent(j)
		if j < 0 {
			return
		}
	}
	n := r.c.Node(i)
	n.SetReplicaOf(replicaOfAddr(r.c.Node(to)))
	r.stats.Chains++
	r.l.Trace().Record(r.l.Now(), "chain", int64(i), int64(to), nil)
	r.replicaOf(i, r.c.Node(to))
}

// parent is the node i's configuration says it replicates, -1 if none.
func (r *runner) parent(i int) int {
	host, _, _ := strings.Cut(r.c.Node(i).Config().ReplicaOf, " ")
	for j, n := range r.c.Nodes() {
		if host != "" && n.Name == host {
			return j
		}
	}
	return -1
}

// replicaOfAddr is the replicaof setting that follows n.
func replicaOfAddr(n *cluster.Node) string { return n.Name + " " + strconv.Itoa(cluster.Port) }
