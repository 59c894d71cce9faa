package node

// WAITAOF numlocal numreplicas timeout (Redis 7.2): block until this
// client's last write is fsynced to the local AOF (numlocal, 0 or 1) and
// to the AOF of numreplicas replicas, or the timeout; reply [local,
// replicas]. The local side goes by op id (the AOF's fsynced op id); the
// replicas' by offset: a replica with an AOF reports the stream offset its
// AOF holds fsynced with `REPLCONF ACK <off> FACK <aofoff>`.

// aofWait is what a WAITAOF waits for.
type aofWait struct {
	local int64 // numlocal
	opid  int64 // the client's last write
}

func waitaofCmd(n *Node, c *Client, args [][]byte) {
	local, ok := parseInt(args[1])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if local < 0 || local > 1 {
		c.addError("ERR value is out of range, value must between 0 and 1")
		return
	}
	want, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if want < 0 {
		c.addError("ERR value is out of range, must be positive")
		return
	}
	ms, ok := parseMsTimeout(c, args[3])
	if !ok {
		return
	}
	if n.isReplica() {
		c.addError("ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.")
		return
	}
	if local > 0 && !n.aofOn() {
		c.addError("ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.")
		return
	}
	w := &replWait{c: c, offset: c.woff, want: want, aof: &aofWait{local: local, opid: c.wopid}}
	if n.aofWaitDone(w) || !c.canBlock() {
		n.replyAOFWait(w)
		return
	}
	n.parkWait(w, ms)
}

// aofWaitDone reports whether w's conditions hold.
func (n *Node) aofWaitDone(w *replWait) bool {
	return n.localFsynced(w.aof.opid) >= w.aof.local && n.countAcked(w.offset, true) >= w.want
}

// replyAOFWait answers a WAITAOF with [local, replicas].
func (n *Node) replyAOFWait(w *replWait) {
	w.c.addArray(2)
	w.c.addInt(n.localFsynced(w.aof.opid))
	w.c.addInt(n.countAcked(w.offset, true))
}

// localFsynced is 1 when op id opid (0: no write) is fsynced to this
// node's AOF.
func (n *Node) localFsynced(opid int64) int64 {
	if l := n.aof.log; l != nil && l.SyncedOpID() >= opid {
		return 1
	}
	return 0
}

// fsyncedOffset is the replication offset up to which this node's AOF is
// fsynced (a replica's FACK). It advances when every entry appended is
// fsynced: then all that was applied, stream-only frames included, is.
func (n *Node) fsyncedOffset() int64 {
	if l := n.aof.log; l != nil && l.SyncedOpID() >= l.LastOpID() && l.Buffered() == 0 {
		n.aof.fsyncedOff = n.repl.ids.MasterReplOffset
	}
	return n.aof.fsyncedOff
}
