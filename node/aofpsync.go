package node

import (
	"errors"
	"fmt"
	"io"

	"opdis/aofbinlog"
	"opdis/psync"
	"opdis/wire"
)

// AOF continue, the master's side (DESIGN §5, ApsaraCache's AOF psync): a
// replica whose next op id is no longer in the backlog but still in the
// AOF, and whose last entry carries the same epoch here (psync.Decide
// checks both), gets `+AOFCONTINUE <replid>`, then the entries from its
// next op id read from the AOF files, then `syncreploffset <offset>` and
// the live stream from the backlog.
//
// The AOF is read by an aofbinlog.Reader, at most replChunk bytes per
// TakeOutput (the replica is listed in Pending again while more is due),
// so a replica far behind never makes the node copy or read much at once,
// and any number of replicas can stream at the same time, each with its
// own reader. A reader pins the file it is in, so a purge stops there.
//
// The hand-off is exact because every entry this node logs goes to the
// AOF and to the backlog in the same call (logEntry), and the hand-off
// happens within one call too: when the reader reaches the end of the log
// (TakeOutput first writes out the AOF buffer), the log holds every entry
// up to nextOpID-1 — checked, or the replica is told to resync fully —
// and master_repl_offset is the end of the stream that carries the same
// entries. So the replica gets syncreploffset <master_repl_offset> and a
// backlog reader at master_repl_offset+1: what the AOF gave it is exactly
// what the stream held up to there, and whatever is logged later reaches
// it once, through the backlog.

// aofStream is one replica's AOF continue in progress.
type aofStream struct {
	rd   *aofbinlog.Reader
	next int64 // the op id the replica needs next
	from int64 // the first op id it asked for
	sent int64 // AOF bytes streamed so far
}

// aofPsyncAvailable reports whether this node may answer AOFCONTINUE: its
// binlog is open, aof-psync-state is on, and its log is the history its
// replicas' stream carries (not the entries of a node replicating a
// redis-server master, whose stream is the master's own commands).
func (n *Node) aofPsyncAvailable() bool {
	if n.aof.log == nil || !n.cfg.AOFPsyncState {
		return false
	}
	return !n.isReplica() || n.repl.masterOpdis
}

// serveAOFContinue carries out a KindAOFContinue decision on replica c.
func (n *Node) serveAOFContinue(c *Client, d psync.Decision) {
	r := c.replica
	ids := n.repl.ids
	if ids.Backlog == nil {
		// As for a full sync: a backlog created from scratch has no past,
		// so this history gets a new id before the replica learns it.
		if !n.isReplica() {
			ids.ChangeReplID(n.env.Rand)
			ids.ClearReplID2()
		}
		ids.CreateBacklog()
		n.logf(LogNotice, "Replication backlog created, my new replication IDs are '%s' and '%s'", ids.ReplID, ids.ReplID2)
	}
	c.addRaw(psync.AppendAOFContinue(nil, ids.ReplID))
	n.repl.syncAOFPartialOK++
	now := n.monotonic()
	r.ackTime, r.m.lastTaken = now, now
	name := n.replicaName(c)
	if d.CaughtUp {
		n.logf(LogNotice, "AOF partial resynchronization request from %s accepted: it has every entry (next op id %d).", name, d.NextOpID)
		c.addRaw(n.aofHandOff(c))
		n.markPending(c)
		return
	}
	rd, err := n.aof.log.NewReader(d.NextOpID)
	if err != nil {
		c.addRaw(n.aofStreamFailed(c, fmt.Errorf("opening the AOF at op id %d: %w", d.NextOpID, err)))
		return
	}
	r.state = replicaSendAOF
	r.m.aof = &aofStream{rd: rd, next: d.NextOpID, from: d.NextOpID}
	n.logf(LogNotice, "AOF partial resynchronization request from %s accepted. Sending op ids %d to %d from the AOF, then the live stream.",
		name, d.NextOpID, n.op.nextOpID-1)
	n.markPending(c)
}

// aofStreamNext appends the next entries of c's AOF continue to dst, up to
// replChunk bytes past start; at the end of the log it hands c off to the
// live stream.
func (n *Node) aofStreamNext(c *Client, dst []byte, start int) []byte {
	a := c.replica.m.aof
	if n.aof.log == nil {
		return append(dst, n.aofStreamFailed(c, errors.New("the AOF was closed"))...)
	}
	for len(dst)-start < replChunk {
		rec, err := a.rd.Next()
		if errors.Is(err, io.EOF) {
			if a.next != n.op.nextOpID {
				// An entry that never reached the AOF (a failed write).
				return append(dst, n.aofStreamFailed(c, fmt.Errorf("the AOF ends before op id %d, but the node is at op id %d", a.next, n.op.nextOpID))...)
			}
			return append(dst, n.aofHandOff(c)...)
		}
		if err != nil {
			return append(dst, n.aofStreamFailed(c, err)...)
		}
		if len(rec.Entry.Commands) == 0 {
			continue // a lone header: its op id comes again with the entry
		}
		if id := rec.Entry.Header.OpID; id != a.next {
			return append(dst, n.aofStreamFailed(c, fmt.Errorf("aof %s offset %d: op id %d where %d was due", rec.File, rec.Offset, id, a.next))...)
		}
		dst = append(dst, rec.Raw...)
		a.next++
		a.sent += int64(len(rec.Raw))
	}
	return dst
}

// aofHandOff ends c's AOF continue: from here c reads the backlog after
// master_repl_offset. It returns the `syncreploffset` frame to send right
// after the last AOF entry.
func (n *Node) aofHandOff(c *Client) []byte {
	r := c.replica
	ids := n.repl.ids
	if ids.Backlog == nil { // not while a replica is attached; never without a past
		return n.aofStreamFailed(c, errors.New("the replication backlog is gone"))
	}
	rd, err := ids.Backlog.NewReader(ids.MasterReplOffset + 1)
	if err != nil { // cannot happen: the backlog always holds its end
		return n.aofStreamFailed(c, fmt.Errorf("backlog reader at %d: %w", ids.MasterReplOffset+1, err))
	}
	if a := r.m.aof; a != nil {
		n.logf(LogNotice, "AOF partial resynchronization with replica %s succeeded: %d entries (%d bytes) from the AOF, live stream from offset %d.",
			n.replicaName(c), a.next-a.from, a.sent, ids.MasterReplOffset+1)
	}
	n.closeAOFStream(r)
	r.reader = rd
	n.replicaOnline(c)
	return psync.AppendSyncReplOffset(nil, ids.MasterReplOffset)
}

// aofStreamFailed gives up c's AOF continue: the replica is told to
// resync fully (it keeps the entries it got, a prefix of this history)
// and disconnected. It returns the frame to send.
func (n *Node) aofStreamFailed(c *Client, err error) []byte {
	r := c.replica
	n.logf(LogWarning, "AOF partial resynchronization with replica %s failed, forcing a full resync: %v", n.replicaName(c), err)
	ev := PsyncEvent{Replica: n.replicaName(c), Kind: PsyncEventForceFull, Reason: err.Error()}
	if a := r.m.aof; a != nil {
		ev.Request.NextOpID = a.from
	}
	n.psyncEvent(ev)
	n.closeAOFStream(r)
	r.reader = nil
	n.repl.syncAOFPartialErr++
	c.closeAfterReply()
	n.markPending(c)
	return []byte(psync.ForceFullResync)
}

// closeAOFStream releases r's AOF reader, if it has one.
func (n *Node) closeAOFStream(r *replicaInfo) {
	if a := r.m.aof; a != nil {
		a.rd.Close()
		r.m.aof = nil
	}
}

// abortAOFStreams stops every AOF continue (the AOF is being closed): the
// replicas are told to resync fully.
func (n *Node) abortAOFStreams(why string) {
	for _, c := range n.repl.replicas {
		if c.replica.m.aof != nil && !c.closing {
			c.out = append(c.out, n.aofStreamFailed(c, errors.New(why))...)
		}
	}
}

// aofStreaming counts the AOF continues in progress.
func (n *Node) aofStreaming() int {
	k := 0
	for _, c := range n.repl.replicas {
		if c.replica.m.aof != nil {
			k++
		}
	}
	return k
}

// aofHistory is the binlog as psync's epoch rule reads it: an entry's
// header from the AOF, or, for the entry just before the snapshot rdb.index
// names (whose file may be gone, or which came in a full sync), the epoch
// rdb.index recorded for it.
type aofHistory struct{ l *aofbinlog.Log }

func (a aofHistory) HeaderOf(opid int64) (wire.Header, bool, error) {
	h, ok, err := a.l.HeaderOf(opid)
	if ok || err != nil {
		return h, ok, err
	}
	if idx, has := a.l.RDBIndex(); has && idx.AOF != "" && idx.LastEpoch != 0 && opid == idx.NextOpID-1 {
		return wire.Header{Version: 2, OpID: opid, Epoch: idx.LastEpoch}, true, nil
	}
	return h, false, nil
}
