//go:build simbugs

package node

// bug reports whether Env.Bug asks for a deliberate fault at site. Only
// built with the simbugs tag; see bugs.go. The sites:
//
//	ack-before-fsync  appendfsync always: replies leave before the fsync
//	lose-aof-entry    an entry is not appended to the AOF
//	lost-write        SET replies OK without storing the value
//	needless-fullsync a PSYNC that could continue gets FULLRESYNC
//	opapply-loop      OPAPPLY applies an entry of this group's own server-id
//	ignore-epoch      PSYNC ignores the replica's last_epoch (an AOF continue across a divergent history)
//	wait-lies         WAIT answers that every replica asked for acknowledged, at once
func (n *Node) bug(site string) bool { return n.env.Bug != nil && n.env.Bug(site) }
