package node

import (
	"cmp"
	"slices"
	"strconv"

	"opdis/aofbinlog"
	"opdis/psync"
	"opdis/wire"
)

// Applying another group's oplog (DESIGN §6, ApsaraCache's OPAPPLY): a
// connection that sent OPAPPLY then sends entries as RESP commands,
// `opinfo <header>` followed by the entry's command(s), typically the raw
// entries an OPGET on the other group returned. Each entry is either
// applied, its writes logged here with a local op id but the source's
// server_id and op id (header server_id and src_opid), or answered
// +IGNORED command by command — loop prevention for two-way sync:
//
//   - an entry whose server_id is this group's own came from here;
//   - an entry whose origin op id is at or below the one last applied from
//     its server_id was applied already.
//
// The origin op id is the header's src_opid when it has one (the entry was
// itself applied from a third group) and its opid otherwise, so an entry
// keeps one name however many groups it crosses; with two groups it is
// ApsaraCache's header opid.
//
// The applied-opid dictionary (server_id → origin op id) is what a sync
// tool resumes from (INFO oplog). It is rebuilt from the log: rdb.index
// keeps it as of the snapshot, and every entry with a foreign server_id
// replayed at load or received from the master sets it again; +FULLRESYNC
// carries it to a new replica.

const (
	errOpinfoCommon = "ERR opinfo command can not be called in common connection"
	errOpapplyOrder = "ERR OPAPPLY connection: send opinfo <header> before each entry's commands"
)

// opOrigin is the source of the entry an OPAPPLY connection is applying.
type opOrigin struct {
	serverID int64
	opID     int64 // the origin op id
}

// opapplyState is an OPAPPLY connection's position in the entry it is
// sending.
type opapplyState struct {
	origin  opOrigin
	ignore  bool // the entry is answered +IGNORED
	refused bool // a command of the entry was refused before it ran
	left    int  // commands still due: >0 that many, -1 until EXEC, 0 no entry open
}

func opapplyCommands() []*Command {
	return []*Command{
		{Name: "opapply", Arity: 1, Flags: FlagAdmin | FlagNoScript | FlagNoMulti, Fn: opapplyCmd},
		{Name: "opinfo", Arity: -2, Flags: FlagWrite | FlagNoScript, Fn: opinfoCmd},
	}
}

// opapplyCmd is OPAPPLY: the connection becomes an apply stream, for good.
func opapplyCmd(n *Node, c *Client, args [][]byte) {
	c.opapply = &opapplyState{}
	c.addOK()
}

// opinfoCmd is OPINFO from an ordinary client: refused, and the
// connection closed (only an OPAPPLY stream, the master link and the AOF
// loader carry entries).
func opinfoCmd(n *Node, c *Client, args [][]byte) {
	c.addError(errOpinfoCommon)
	c.closeAfterReply()
}

// opapplyCall runs one command of an OPAPPLY connection.
func (n *Node) opapplyCall(c *Client, args [][]byte) {
	st := c.opapply
	if wire.IsOpinfo(args) {
		n.opapplyBegin(c, args[1])
		return
	}
	switch {
	case st.left == 0:
		// Between entries: reads and the connection's own commands run as
		// usual; a write belongs to an entry.
		if cmd := n.lookupCommand(args[0]); cmd != nil && cmd.Flags&FlagWrite != 0 || eq(args[0], "multi") {
			c.addError(errOpapplyOrder)
			return
		}
		n.dispatch(c, args)
		return
	case st.ignore:
		c.addSimple("IGNORED")
	default:
		o := st.origin
		n.op.origin = &o
		st.refused = st.refused || !n.dispatchRan(c, args)
		n.op.origin = nil
	}
	if st.left > 0 {
		st.left--
	} else if eq(args[0], "exec") {
		st.left = 0
	}
	if st.left == 0 && !st.ignore && !st.refused {
		// Applied, whether or not it changed anything (an entry that
		// logged nothing is not sent again while this node runs). One
		// refused (READONLY, NOREPLICAS, MISCONF …) is not: the
		// consumer sends it again.
		n.noteApplied(st.origin.serverID, st.origin.opID)
	}
}

// dispatchRan dispatches one command and reports whether it ran (or was
// queued in a transaction that can still run): false when it was refused
// before running.
func (n *Node) dispatchRan(c *Client, args [][]byte) bool {
	cmd := n.lookupCommand(args[0])
	if cmd == nil {
		n.dispatch(c, args)
		return false
	}
	calls := cmd.Calls
	doomed := eq(args[0], "exec") && c.multi != nil && c.multi.aborted
	n.dispatch(c, args)
	if m := c.multi; m != nil && !eq(args[0], "multi") {
		return !m.aborted // queued
	}
	return cmd.Calls > calls && !doomed
}

// opapplyBegin takes the header of the next entry.
func (n *Node) opapplyBegin(c *Client, payload []byte) {
	st := c.opapply
	if st.left != 0 && c.multi != nil {
		// The previous entry's transaction never reached EXEC: it is
		// dropped, as a lone header ends an entry in the log.
		c.multi = nil
		n.unwatchAll(c)
	}
	st.left, st.refused = 0, false
	h, err := wire.DecodeHeader(payload)
	if err != nil {
		c.addError("ERR OPAPPLY: " + err.Error())
		return
	}
	if int(h.DB) >= len(n.dbs) {
		c.addError("ERR OPAPPLY: opinfo db " + strconv.Itoa(int(h.DB)) + " out of range")
		return
	}
	o := opOrigin{serverID: h.ServerID, opID: h.OpID}
	if h.SrcOpID > 0 {
		o.opID = h.SrcOpID
	}
	last, seen := n.op.applied[o.serverID]
	st.origin = o
	st.ignore = o.serverID == n.cfg.ServerID && !n.bug("opapply-loop") || seen && o.opID <= last
	switch h.CmdNum {
	case wire.CmdNumTransaction:
		st.left = -1
	default:
		st.left = max(int(h.CmdNum)-1, 0)
	}
	if !st.ignore {
		c.db = n.dbs[h.DB]
	}
	c.addOK()
}

// noteApplied records that origin op id opID of server serverID is applied
// here.
func (n *Node) noteApplied(serverID, opID int64) {
	if n.op.applied == nil {
		n.op.applied = make(map[int64]int64)
	}
	n.op.applied[serverID] = opID
}

// noteAppliedEntry is the dictionary's share of replaying or receiving an
// entry: one applied from another group names its source (ApsaraCache's
// opinfoCommand).
func (n *Node) noteAppliedEntry(h wire.Header) {
	if h.ServerID != n.cfg.ServerID && h.ServerID >= 0 && h.SrcOpID >= 1 {
		n.noteApplied(h.ServerID, h.SrcOpID)
	}
}

// appliedPairs is the dictionary sorted by server id.
func (n *Node) appliedPairs() []psync.Applied {
	out := make([]psync.Applied, 0, len(n.op.applied))
	for sid, op := range n.op.applied { //det:ok sorted below
		out = append(out, psync.Applied{ServerID: sid, OpID: op})
	}
	slices.SortFunc(out, func(x, y psync.Applied) int { return cmp.Compare(x.ServerID, y.ServerID) })
	return out
}

// appliedIndex is the dictionary as rdb.index records it.
func (n *Node) appliedIndex() []aofbinlog.Applied {
	pairs := n.appliedPairs()
	out := make([]aofbinlog.Applied, len(pairs))
	for i, a := range pairs {
		out[i] = aofbinlog.Applied{ServerID: a.ServerID, OpID: a.OpID}
	}
	return out
}

// setApplied replaces the dictionary (a full sync's +FULLRESYNC).
func (n *Node) setApplied(pairs []psync.Applied) {
	n.op.applied = make(map[int64]int64, len(pairs))
	for _, a := range pairs {
		n.op.applied[a.ServerID] = a.OpID
	}
}

func appliedFromIndex(pairs []aofbinlog.Applied) []psync.Applied {
	out := make([]psync.Applied, len(pairs))
	for i, a := range pairs {
		out[i] = psync.Applied{ServerID: a.ServerID, OpID: a.OpID}
	}
	return out
}
