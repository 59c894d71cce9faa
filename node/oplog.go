package node

import (
	"bytes"
	"strconv"

	"opdis/wire"
)

// The oplog (DESIGN §3): every change to the keyspace becomes one entry,
// `opinfo <header>` plus the change in effect form, with the next op id.
// Handlers record their effect commands through propagate while the
// outermost command runs; when it returns, everything it recorded becomes
// one entry: a single command as is, several (EXEC, a command that also
// expired a key, a SPOP split in batches) as one transaction
// (cmd_num 0, MULTI … EXEC, SELECT inside only where the db changes). The
// entry is encoded once; the same bytes go to the AOF and, later, to
// replicas and OPGET readers.

// pendingCmd is one effect command of the running command: its RESP bytes
// are pending.buf[start:end].
type pendingCmd struct {
	db         int
	start, end int
	flag       uint8 // wire.FlagDelByExpire for an expiry delete
}

// oplog is the node's op-id state and the entry being gathered.
type oplog struct {
	nextOpID  int64 // op id of the next entry
	epoch     int64 // chosen when this node became master (DESIGN §5)
	lastEpoch int64 // the epoch of entry nextOpID-1 (0: unknown)
	applying  bool  // replaying entries (load): they are not logged again

	// applied is the applied-opid dictionary: server id → the last origin
	// op id applied here from that group (opapply.go).
	applied map[int64]int64 //det:ok lookups only; appliedPairs sorts
	// origin, while an OPAPPLY connection's command runs, is the source the
	// entry it logs is attributed to.
	origin *opOrigin

	cmds  []pendingCmd
	buf   []byte // the pending commands' RESP bytes
	entry []byte // scratch for the encoded entry

	// OnEntry, when set, sees every entry as it is logged.
	onEntry func(entry []byte, h wire.Header)
	// onFullSync, when set, sees a replica replace its dataset (repl_replica.go).
	onFullSync func(done bool)
}

var (
	respMulti = wire.AppendCommand(nil, []byte("multi"))
	respExec  = wire.AppendCommand(nil, []byte("exec"))
)

// propagate records a write in effect form: the command that, applied to
// db on another node (a replica, the AOF at load), reproduces the change
// exactly. Handlers call it once per change, after changing the keyspace:
// relative expiry becomes absolute (SET … PXAT, PEXPIREAT), INCRBYFLOAT
// becomes SET, SPOP becomes SREM, a blocking pop becomes the plain pop.
func (n *Node) propagate(db *DB, args ...[]byte) {
	n.record(db.id, 0, args)
}

// propagateExpire records the deletion of an expired key as DEL with the
// expiry flag. Outside a command (active expiry) it is an entry at once.
func (n *Node) propagateExpire(db *DB, key string) {
	n.record(db.id, wire.FlagDelByExpire, [][]byte{[]byte("del"), []byte(key)})
	if n.callDepth == 0 {
		n.flushOplog()
	}
}

func (n *Node) record(db int, flag uint8, args [][]byte) {
	if n.OnPropagate != nil {
		// A deep copy: handing args itself to an unknown function would
		// make every caller's argument list (and literal arguments such as
		// []byte("set")) escape to the heap, hook or not.
		cp := make([][]byte, len(args))
		for i, a := range args {
			cp[i] = bytes.Clone(a)
		}
		n.OnPropagate(db, cp)
	}
	if n.op.applying {
		return
	}
	start := len(n.op.buf)
	n.op.buf = wire.AppendCommand(n.op.buf, args...)
	n.op.cmds = append(n.op.cmds, pendingCmd{db: db, start: start, end: len(n.op.buf), flag: flag})
}

// flushOplog turns what the finished command recorded into one entry.
func (n *Node) flushOplog() {
	cmds := n.op.cmds
	if len(cmds) == 0 {
		return
	}
	nowMs := n.entryMs()
	h := wire.Header{
		Version: 2, CmdNum: wire.CmdNumOne, DB: uint16(cmds[0].db),
		Timestamp: int32(nowMs / 1000), ServerID: n.cfg.ServerID,
		OpID: n.op.nextOpID, SrcOpID: -1, Epoch: n.op.epoch, TimestampMs: nowMs,
	}
	if o := n.op.origin; o != nil {
		h.ServerID, h.SrcOpID = o.serverID, o.opID
		n.noteApplied(o.serverID, o.opID)
	}
	var hdr [wire.HeaderV2Size]byte
	b := n.op.entry[:0]
	if len(cmds) == 1 {
		h.CmdFlag = cmds[0].flag
		b = wire.AppendCommand(b, []byte("opinfo"), wire.AppendHeader(hdr[:0], h))
		b = append(b, n.op.buf...)
	} else {
		h.CmdNum = wire.CmdNumTransaction
		b = wire.AppendCommand(b, []byte("opinfo"), wire.AppendHeader(hdr[:0], h))
		b = append(b, respMulti...)
		db := cmds[0].db
		for _, pc := range cmds {
			if pc.db != db {
				db = pc.db
				b = wire.AppendCommand(b, []byte("select"), strconv.AppendInt(nil, int64(db), 10))
			}
			b = append(b, n.op.buf[pc.start:pc.end]...)
		}
		b = append(b, respExec...)
	}
	n.op.entry = b
	n.op.cmds = n.op.cmds[:0]
	n.op.buf = n.op.buf[:0]
	n.op.nextOpID++
	n.op.lastEpoch = h.Epoch
	n.logEntry(b, h)
}

// logEntry hands a finished entry to its consumers: the AOF, then hooks.
func (n *Node) logEntry(entry []byte, h wire.Header) {
	n.aofAppend(entry, h)
	if !n.inMasterStream {
		// A redis-server master's stream is its own bytes, fed as
		// received (repl_replica.go); the entries are this node's log.
		n.replFeed(entry)
	}
	if n.op.onEntry != nil {
		n.op.onEntry(entry, h)
	}
}

// OnEntry sets a hook that sees every oplog entry as it is logged (the
// simulator's checks, tests): the node's own, and those a replica applies
// from an opdis master and appends to its AOF verbatim. The bytes are only
// valid during the call.
func (n *Node) OnEntry(fn func(entry []byte, h wire.Header)) { n.op.onEntry = fn }

// OnFullSync sets a hook that sees a replica replace its dataset with its
// master's snapshot: done false just before the old dataset and its files
// start to go, done true once the new one is in memory and on disk, at op
// id NextOpID()-1 (the simulator's durability oracle restarts its history
// of the node there).
func (n *Node) OnFullSync(fn func(done bool)) { n.op.onFullSync = fn }

// NextOpID returns the op id the next entry will get.
func (n *Node) NextOpID() int64 { return n.op.nextOpID }

// Epoch returns the epoch this node stamps on the entries it creates.
func (n *Node) Epoch() int64 { return n.op.epoch }
