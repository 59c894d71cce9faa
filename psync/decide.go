package psync

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"opdis/wire"
)

// AOF is what AOF psync needs from the master's AOF; aofbinlog.Log
// implements it. HeaderOf returns the header of the entry with op id
// opid, ok false when the AOF does not hold it (purged, or not written).
type AOF interface {
	HeaderOf(opid int64) (h wire.Header, ok bool, err error)
}

// Applied is one pair of the applied-opid dictionary: the last op id
// applied here from source ServerID (OPAPPLY).
type Applied struct{ ServerID, OpID int64 }

// Master is what the master's decision reads: its history and the state
// syncCommand checks. The node fills it for each PSYNC.
type Master struct {
	State *ReplState

	// Refusals checked, in Redis's order, before the request itself.
	IsReplica     bool // this node replicates from a master …
	LinkUp        bool // … and its link is up (REPL_STATE_CONNECTED)
	FailingOver   bool // a FAILOVER is in progress
	PendingOutput bool // the client has replies not yet sent
	// Promoted is set on the second call after a KindPromote decision, so
	// the FAILOVER argument is not looked at again.
	Promoted bool

	// opdis: AOF psync and the FULLRESYNC extras.
	ServerID    int64     // the replication group's server-id
	NextOpID    int64     // the next op id this node will log
	LastEpoch   int64     // the epoch of entry NextOpID-1 (0 when none)
	Applied     []Applied // the applied-opid dictionary
	AOFPsyncing bool      // this node is itself still AOF-psyncing from its master
	AOF         AOF       // nil when AOF psync is unavailable (AOF off)
}

// Kind is what the master does with a PSYNC.
type Kind uint8

const (
	// KindRefuse: reply the error in Reply; nothing else changes.
	KindRefuse Kind = iota + 1
	// KindPromote: a PSYNC FAILOVER for this replica's own history. The
	// node promotes itself (REPLICAOF NO ONE: ReplState.ShiftReplID …)
	// and calls Decide again with IsReplica false and Promoted true.
	KindPromote
	// KindContinue: send Reply, then the backlog from Reader, then the
	// live stream (Redis's partial resync).
	KindContinue
	// KindAOFContinue: send Reply, stream the AOF entries from NextOpID,
	// hand off to the live stream, then `syncreploffset` (at once when
	// CaughtUp).
	KindAOFContinue
	// KindFullResync: send Reply when the snapshot starts (see
	// Master.FullResyncReply), then the RDB, then the stream.
	KindFullResync
)

func (k Kind) String() string {
	switch k {
	case KindRefuse:
		return "refuse"
	case KindPromote:
		return "promote"
	case KindContinue:
		return "continue"
	case KindAOFContinue:
		return "aofcontinue"
	case KindFullResync:
		return "fullresync"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Decision is the master's answer to one PSYNC.
type Decision struct {
	Kind    Kind
	Request Request // as parsed (zero for a refusal before parsing)
	// Reply is the exact bytes to write first. For a full resync it is
	// the reply for a snapshot starting now; a node that starts later
	// rebuilds it with Master.FullResyncReply.
	Reply []byte
	// Reader streams the backlog from Request.Offset (KindContinue).
	Reader *Reader
	// NextOpID is the first entry to stream from the AOF; CaughtUp means
	// there is none yet (KindAOFContinue).
	NextOpID int64
	CaughtUp bool
	// Reason says why a partial resync was not possible (KindFullResync,
	// for the log and for counting needless full syncs), or why a request
	// was refused.
	Reason string
}

// Decide is the master's side of SYNC/PSYNC (syncCommand and
// masterTryPartialResynchronization, plus ApsaraCache's AOF psync with
// the epoch rule of DESIGN §5). args is the whole command; capa what the
// replica announced with REPLCONF capa. The node ignores a PSYNC from a
// client that is already a replica before calling it, as Redis does.
//
// Order: FAILOVER, the link and output checks, the request's syntax, the
// server-id (opdis form), then CONTINUE from the backlog, AOFCONTINUE from
// the AOF, else FULLRESYNC.
func Decide(args [][]byte, capa Capa, m *Master) Decision {
	if len(args) < 3 {
		return refuse(replyErr("ERR wrong number of arguments for 'psync' command"))
	}
	if len(args) > 3 && bytes.EqualFold(args[3], []byte("failover")) && !m.Promoted {
		if !m.IsReplica {
			return refuse(replyErr("ERR PSYNC FAILOVER can't be sent to a master."))
		}
		if !strings.EqualFold(string(args[1]), m.State.ReplID) {
			return refuse(replyErr("ERR PSYNC FAILOVER replid must match my replid."))
		}
		return Decision{Kind: KindPromote}
	}
	switch {
	case m.FailingOver:
		return refuse(replyErr("NOMASTERLINK Can't SYNC while failing over"))
	case m.IsReplica && !m.LinkUp:
		return refuse(replyErr("NOMASTERLINK Can't SYNC while not connected with my master"))
	case m.PendingOutput:
		return refuse(replyErr("ERR SYNC and PSYNC are invalid with pending output"))
	}
	req, err := ParsePSYNC(args)
	if err != nil {
		return refuse(err.(*ReplyError))
	}
	if req.Opdis && req.ServerID != m.ServerID {
		d := refuse(replyErr("ERR PSYNC server_id %d does not match this master's server_id %d: a replica must belong to its master's replication group", req.ServerID, m.ServerID))
		d.Request = req
		return d
	}

	var reason string
	if m.AOFPsyncing {
		// Its offsets are not aligned with its master's until syncreploffset.
		reason = "this node is still AOF-psyncing from its own master"
	} else if r, why := tryContinue(m.State, req); r != nil {
		return Decision{Kind: KindContinue, Request: req, Reader: r, Reply: AppendContinue(nil, m.State.ReplID, capa&CapaPSYNC2 != 0)}
	} else {
		reason = why
	}
	if req.Opdis {
		why := tryAOFContinue(m, req)
		if why == "" {
			return Decision{Kind: KindAOFContinue, Request: req, Reply: AppendAOFContinue(nil, m.State.ReplID),
				NextOpID: req.NextOpID, CaughtUp: req.NextOpID == m.NextOpID}
		}
		reason += "; " + why
	}
	return Decision{Kind: KindFullResync, Request: req, Reply: m.FullResyncReply(req), Reason: reason}
}

func refuse(e *ReplyError) Decision {
	return Decision{Kind: KindRefuse, Reply: e.Reply(), Reason: e.Msg}
}

// tryContinue applies Redis's partial resync conditions: the replica's
// id is ours, or our previous one and it asks for nothing past where
// that history ended; and the backlog holds its offset (up to
// master_repl_offset+1, which sends nothing). Ids compare ignoring case,
// as strcasecmp.
func tryContinue(s *ReplState, req Request) (*Reader, string) {
	id := req.ReplID
	if !strings.EqualFold(id, s.ReplID) && (!strings.EqualFold(id, s.ReplID2) || req.Offset > s.SecondReplOffset) {
		switch {
		case id == "?":
			return nil, "full resync requested by replica"
		case !strings.EqualFold(id, s.ReplID2):
			return nil, fmt.Sprintf("replication id mismatch (replica asked for %q, my replication ids are %s and %s)", truncArg([]byte(id)), s.ReplID, s.ReplID2)
		default:
			return nil, fmt.Sprintf("requested offset for second id was %d, but I can reply up to %d", req.Offset, s.SecondReplOffset)
		}
	}
	if s.Backlog == nil {
		return nil, "no backlog"
	}
	r, err := s.Backlog.NewReader(req.Offset)
	if err != nil {
		return nil, fmt.Sprintf("lack of backlog (replica asked for offset %d, backlog holds %d..%d)", req.Offset, s.Backlog.FirstByteOffset(), s.Backlog.End())
	}
	return r, ""
}

// tryAOFContinue checks that the replica's history is a prefix of ours
// and that the AOF still holds what it lacks; "" means yes. The proof is
// Raft's log-matching rule: the replica's last entry, next_opid-1, must
// carry the same epoch as ours (an epoch is a random id a node takes when
// it becomes master, so (opid, epoch) names one entry and, through it,
// the whole history before it). Unlike ApsaraCache, the replication id is
// not consulted: it cannot tell a deposed master's extra entries apart.
func tryAOFContinue(m *Master, req Request) string {
	n := req.NextOpID
	switch {
	case m.AOF == nil:
		return "AOF psync unavailable (AOF off)"
	case n < 2:
		return fmt.Sprintf("replica has no entries (next_opid %d)", n)
	case n > m.NextOpID:
		return fmt.Sprintf("replica is ahead of this master (next_opid %d > %d)", n, m.NextOpID)
	case req.LastEpoch == 0:
		return "replica does not know the epoch of its last entry"
	}
	if n == m.NextOpID {
		// Caught up: our last entry is in memory, whatever the AOF still has.
		if m.LastEpoch != req.LastEpoch {
			return fmt.Sprintf("history diverged: entry %d has epoch %d here, %d on the replica", n-1, m.LastEpoch, req.LastEpoch)
		}
		return ""
	}
	h, ok, err := m.AOF.HeaderOf(n - 1)
	switch {
	case err != nil:
		return fmt.Sprintf("AOF lookup of op id %d: %v", n-1, err)
	case !ok:
		return fmt.Sprintf("op id %d is no longer in the AOF", n-1)
	case h.Epoch != req.LastEpoch:
		return fmt.Sprintf("history diverged: entry %d has epoch %d here, %d on the replica", n-1, h.Epoch, req.LastEpoch)
	}
	if _, ok, err := m.AOF.HeaderOf(n); err != nil || !ok {
		return fmt.Sprintf("op id %d is not in the AOF (err %v)", n, err)
	}
	return ""
}

// FullResyncReply is the +FULLRESYNC line for req with the master's state
// now (the offset is master_repl_offset at the moment the snapshot
// starts). An opdis replica also gets next_opid, the epoch of entry
// next_opid-1, the applied-opid pairs and whether this node is itself
// AOF-psyncing; a Redis replica gets Redis's exact form.
func (m *Master) FullResyncReply(req Request) []byte {
	var info *FullResyncInfo
	if req.Opdis {
		info = &FullResyncInfo{NextOpID: m.NextOpID, LastEpoch: m.LastEpoch, Applied: m.Applied, AOFPsyncing: m.AOFPsyncing}
	}
	return AppendFullResync(nil, m.State.ReplID, m.State.MasterReplOffset, info)
}

// FullResyncInfo is what an opdis master adds to +FULLRESYNC.
type FullResyncInfo struct {
	NextOpID    int64
	LastEpoch   int64
	Applied     []Applied // sorted by server id on the wire
	AOFPsyncing bool
}

// AppendFullResync appends `+FULLRESYNC <replid> <offset>\r\n`, or with
// info the opdis form
// `+FULLRESYNC <replid> <offset> <next_opid> <last_epoch> applied_info{<sid>:<opid>,…} <0|1>\r\n`
// (ApsaraCache's, with the epoch added).
func AppendFullResync(b []byte, replid string, offset int64, info *FullResyncInfo) []byte {
	b = append(b, "+FULLRESYNC "...)
	b = append(b, replid...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, offset, 10)
	if info != nil {
		b = append(b, ' ')
		b = strconv.AppendInt(b, info.NextOpID, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, info.LastEpoch, 10)
		b = append(b, " applied_info{"...)
		applied := slices.Clone(info.Applied)
		slices.SortFunc(applied, func(x, y Applied) int { return cmp.Compare(x.ServerID, y.ServerID) })
		for i, a := range applied {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, a.ServerID, 10)
			b = append(b, ':')
			b = strconv.AppendInt(b, a.OpID, 10)
		}
		b = append(b, "} "...)
		if info.AOFPsyncing {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	}
	return append(b, "\r\n"...)
}

// AppendContinue appends `+CONTINUE <replid>\r\n`, or `+CONTINUE\r\n` for
// a replica that did not announce capa psync2.
func AppendContinue(b []byte, replid string, psync2 bool) []byte {
	b = append(b, "+CONTINUE"...)
	if psync2 {
		b = append(append(b, ' '), replid...)
	}
	return append(b, "\r\n"...)
}

// AppendAOFContinue appends `+AOFCONTINUE <replid>\r\n`.
func AppendAOFContinue(b []byte, replid string) []byte {
	return append(append(append(b, "+AOFCONTINUE "...), replid...), "\r\n"...)
}
