package psync

import (
	"strconv"
	"strings"
	"time"
)

// Rand is the randomness psync needs (new replication ids). The node
// passes its seeded source.
type Rand interface{ Uint64() uint64 }

// ReplIDLen is the length of a replication id (Redis's CONFIG_RUN_ID_SIZE).
const ReplIDLen = 40

// NoReplID is replid2 when there is none (clearReplicationId2).
var NoReplID = strings.Repeat("0", ReplIDLen)

// NewReplID returns 40 random lowercase hex digits, as Redis's
// getRandomHexChars.
func NewReplID(r Rand) string {
	const hex = "0123456789abcdef"
	var b [ReplIDLen]byte
	var v uint64
	for i := range b {
		if i%16 == 0 {
			v = r.Uint64()
		}
		b[i] = hex[v&15]
		v >>= 4
	}
	return string(b[:])
}

// ReplState is a node's replication history: who it is (replid), who it
// was until which offset (replid2, second_repl_offset), how far the stream
// has gone (master_repl_offset) and the backlog of the stream's tail.
// The methods are Redis 7.0's (replication.c); the node calls them at the
// moments Redis does.
type ReplState struct {
	ReplID           string
	ReplID2          string // NoReplID when none
	SecondReplOffset int64  // last offset+1 valid for ReplID2; -1 when none
	MasterReplOffset int64  // offset of the last byte of the stream
	// Backlog is nil until the first replica (or, on a replica, the first
	// sync); the offset does not advance without one, as in Redis.
	Backlog *Backlog

	backlogSize     int64         // repl-backlog-size
	noReplicasSince time.Duration // monotonic time the last replica left
}

// NewReplState returns a fresh history: a random replid, no replid2,
// offset 0, no backlog. backlogSize is repl-backlog-size (clamped as
// SetBacklogSize does).
func NewReplState(r Rand, backlogSize int64) *ReplState {
	s := &ReplState{ReplID: NewReplID(r)}
	s.ClearReplID2()
	s.SetBacklogSize(backlogSize)
	return s
}

// ChangeReplID picks a new random replid (changeReplicationId).
func (s *ReplState) ChangeReplID(r Rand) { s.ReplID = NewReplID(r) }

// ClearReplID2 forgets the previous history (clearReplicationId2): after a
// full sync, and whenever the backlog is created from scratch or freed.
func (s *ReplState) ClearReplID2() {
	s.ReplID2 = NoReplID
	s.SecondReplOffset = -1
}

// ShiftReplID starts a new history that continues the current one
// (shiftReplicationId, on promotion): replicas of the old history may
// still PSYNC by ReplID2 up to the next byte they have not got, offset+1.
func (s *ReplState) ShiftReplID(r Rand) {
	s.ReplID2 = s.ReplID
	s.SecondReplOffset = s.MasterReplOffset + 1
	s.ChangeReplID(r)
}

// Continued applies a +CONTINUE (or +AOFCONTINUE) on a replica. When the
// master announced a replid different from ours, ours becomes ReplID2 up
// to offset+1 and the master's is adopted; changed then tells the node to
// disconnect its own replicas so they learn the new id. The backlog is
// created if this node has none yet (a restart that resumed by PSYNC).
// An empty newID (a pre-PSYNC2 master) changes nothing.
func (s *ReplState) Continued(newID string) (changed bool) {
	if newID != "" && newID != s.ReplID {
		s.ReplID2 = s.ReplID
		s.SecondReplOffset = s.MasterReplOffset + 1
		s.ReplID = newID
		changed = true
	}
	if s.Backlog == nil {
		s.CreateBacklog()
	}
	return changed
}

// FullSynced applies a completed full sync on a replica: the master's
// replid and the offset its +FULLRESYNC announced, no replid2, and a fresh
// backlog starting right after that offset.
func (s *ReplState) FullSynced(replid string, offset int64) {
	s.ReplID = replid
	s.MasterReplOffset = offset
	s.ClearReplID2()
	s.FreeBacklog()
	s.CreateBacklog()
}

// SyncReplOffset applies ApsaraCache's `syncreploffset <off>` at the end of
// an AOF psync: the byte offset jumps to the master's and the backlog
// restarts there (what came before was AOF bytes, not this stream).
func (s *ReplState) SyncReplOffset(off int64) {
	s.MasterReplOffset = off
	s.Backlog = NewBacklog(s.backlogSize, off+1)
}

// Restore rebuilds the history saved in an RDB's repl-id/repl-offset aux
// fields (or the config) after a restart. A master keeps it as replid2 so
// its old replicas can still PSYNC, and creates the backlog at once; a
// replica takes it as its own id and offset, which its next PSYNC asks for.
func (s *ReplState) Restore(replid string, offset int64, asMaster bool) {
	if asMaster {
		s.ReplID2 = replid
		s.SecondReplOffset = offset + 1
		s.MasterReplOffset = offset
		s.FreeBacklog()
		s.CreateBacklog()
		return
	}
	s.ReplID = replid
	s.MasterReplOffset = offset
}

// CreateBacklog creates an empty backlog whose first byte will be
// offset+1 (createReplicationBacklog). A master creating it for its first
// replica first calls ChangeReplID and ClearReplID2: with no backlog the
// offset did not advance, so the old id no longer names this history.
func (s *ReplState) CreateBacklog() {
	s.Backlog = NewBacklog(s.backlogSize, s.MasterReplOffset+1)
}

// FreeBacklog drops the backlog. Readers already open keep what they hold.
func (s *ReplState) FreeBacklog() { s.Backlog = nil }

// Feed appends stream bytes: the master's propagated commands, or on a
// replica the master's bytes it applied (proxied verbatim to its own
// replicas). Without a backlog nothing is recorded and the offset stays,
// as Redis's feedReplicationBuffer.
func (s *ReplState) Feed(p []byte) {
	if s.Backlog == nil {
		return
	}
	s.Backlog.Append(p)
	s.MasterReplOffset += int64(len(p))
}

// BacklogSize is repl-backlog-size as CONFIG GET and INFO show it.
func (s *ReplState) BacklogSize() int64 { return s.backlogSize }

// SetBacklogSize applies CONFIG SET repl-backlog-size: values below
// MinBacklogSize become MinBacklogSize (as Redis does), and an existing
// backlog is trimmed to the new size.
func (s *ReplState) SetBacklogSize(n int64) {
	s.backlogSize = max(n, MinBacklogSize)
	if s.Backlog != nil {
		s.Backlog.Resize(s.backlogSize)
	}
}

// NoReplicas records that this node has had no replicas since now (the
// last one left, the node started, or it was just promoted); the
// repl-backlog-ttl counts from there.
func (s *ReplState) NoReplicas(now time.Duration) { s.noReplicasSince = now }

// ExpireBacklog is replicationCron's repl-backlog-ttl check: a master
// (never a replica, which may be promoted and need its backlog) with no
// replicas for more than ttl frees its backlog. It also takes a new replid
// and drops replid2: without a backlog the offset stops advancing, so the
// old id would otherwise name two different histories. ttl 0 disables.
func (s *ReplState) ExpireBacklog(now, ttl time.Duration, isMaster bool, replicas int, r Rand) bool {
	if !isMaster || replicas > 0 || ttl <= 0 || s.Backlog == nil || now-s.noReplicasSince <= ttl {
		return false
	}
	s.ChangeReplID(r)
	s.ClearReplID2()
	s.FreeBacklog()
	return true
}

// AppendInfo appends INFO replication's history fields, from master_replid
// to repl_backlog_histlen, in Redis 7.0's order and spelling.
func (s *ReplState) AppendInfo(b []byte) []byte {
	var first, hist int64
	active := 0
	if s.Backlog != nil {
		active, first, hist = 1, s.Backlog.FirstByteOffset(), s.Backlog.HistLen()
	}
	field := func(name, v string) { b = append(append(append(append(b, name...), ':'), v...), "\r\n"...) }
	num := func(name string, v int64) { field(name, strconv.FormatInt(v, 10)) }
	field("master_replid", s.ReplID)
	field("master_replid2", s.ReplID2)
	num("master_repl_offset", s.MasterReplOffset)
	num("second_repl_offset", s.SecondReplOffset)
	num("repl_backlog_active", int64(active))
	num("repl_backlog_size", s.backlogSize)
	num("repl_backlog_first_byte_offset", first)
	num("repl_backlog_histlen", hist)
	return b
}
