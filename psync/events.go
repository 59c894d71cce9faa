package psync

import "fmt"

// Event is something the handshake reports to the node.
type Event interface {
	fmt.Stringer
	event()
}

// KeepAlive: the master sent a bare newline while preparing the
// snapshot; the link is alive (refresh the repl-timeout).
type KeepAlive struct{}

// Warning: a non-critical refusal (an option an older master does not
// know); worth a log line, nothing more.
type Warning struct{ Msg string }

// FullResync: the master will send a snapshot. Offset is where the
// replica's stream offset starts; the first stream byte after the RDB is
// Offset+1. Opdis is set when an opdis master answered an opdis PSYNC.
type FullResync struct {
	ReplID string
	Offset int64
	Opdis  *FullResyncInfo
}

// Continue: a partial resync from the backlog; the stream follows. ReplID
// is the master's current id ("" from a pre-PSYNC2 master); pass it to
// ReplState.Continued.
type Continue struct{ ReplID string }

// AOFContinue: an AOF psync; AOF entries follow, then the live stream and
// a `syncreploffset`.
type AOFContinue struct{ ReplID string }

// RDBStart: the snapshot begins; Size is its length, or -1 for a diskless
// transfer ended by an EOF mark.
type RDBStart struct{ Size int64 }

// RDBChunk is part of the snapshot, in order.
type RDBChunk struct{ Data []byte }

// RDBDone: the snapshot is complete (Size bytes). After a diskless
// transfer the master starts the stream only once the replica has sent its
// first REPLCONF ACK (AppendAck), which it does right after loading.
type RDBDone struct{ Size int64 }

// Stream is replication stream bytes, after +CONTINUE, +AOFCONTINUE or
// the RDB.
type Stream struct{ Data []byte }

// TryLater: the master cannot sync now (-NOMASTERLINK, -LOADING); close
// and retry later.
type TryLater struct{ Reply string }

// Failed: the sync failed; close the connection and retry later. Nothing
// received by this handshake may be loaded.
type Failed struct{ Err error }

func (KeepAlive) event()   {}
func (Warning) event()     {}
func (FullResync) event()  {}
func (Continue) event()    {}
func (AOFContinue) event() {}
func (RDBStart) event()    {}
func (RDBChunk) event()    {}
func (RDBDone) event()     {}
func (Stream) event()      {}
func (TryLater) event()    {}
func (Failed) event()      {}

func (KeepAlive) String() string     { return "keepalive" }
func (e Warning) String() string     { return "warning " + e.Msg }
func (e Continue) String() string    { return "continue replid=" + e.ReplID }
func (e AOFContinue) String() string { return "aofcontinue replid=" + e.ReplID }
func (e RDBChunk) String() string    { return fmt.Sprintf("rdbchunk %q", e.Data) }
func (e RDBDone) String() string     { return fmt.Sprintf("rdbdone size=%d", e.Size) }
func (e Stream) String() string      { return fmt.Sprintf("stream %q", e.Data) }
func (e TryLater) String() string    { return "trylater " + e.Reply }
func (e Failed) String() string      { return "failed " + e.Err.Error() }

func (e RDBStart) String() string {
	if e.Size < 0 {
		return "rdbstart eof"
	}
	return fmt.Sprintf("rdbstart size=%d", e.Size)
}

func (e FullResync) String() string {
	s := fmt.Sprintf("fullresync replid=%s offset=%d", e.ReplID, e.Offset)
	if o := e.Opdis; o != nil {
		s += fmt.Sprintf(" next_opid=%d last_epoch=%d applied=%v aof_psyncing=%t", o.NextOpID, o.LastEpoch, o.Applied, o.AOFPsyncing)
	}
	return s
}
