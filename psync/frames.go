package psync

import (
	"strconv"

	"opdis/wire"
)

// Frames that travel on a replication link outside the handshake.
const (
	// GetAck is `REPLCONF GETACK *` (37 bytes), fed into the stream when a
	// WAIT needs acks; it counts towards the offset.
	GetAck = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"
	// StreamPing is the master's periodic stream PING (14 bytes,
	// lowercase as Redis sends it); it counts towards the offset.
	StreamPing = "*1\r\n$4\r\nping\r\n"
	// ForceFullResync tells an (AOF-)psyncing replica to give up its
	// history and fully resync (ApsaraCache's forcefullresync).
	ForceFullResync = "*1\r\n$15\r\nforcefullresync\r\n"
	// Newline is the keep-alive both sides send before the stream starts:
	// the master while the replica waits for +FULLRESYNC or the RDB, the
	// replica while it loads the RDB.
	Newline = "\n"
)

// AppendAck appends `REPLCONF ACK <offset>`, the replica's report of the
// stream bytes it applied (every second, on GETACK, and right after
// loading a diskless RDB: the master starts the stream only then).
func AppendAck(b []byte, offset int64) []byte {
	return wire.AppendCommand(b, []byte("REPLCONF"), []byte("ACK"), strconv.AppendInt(nil, offset, 10))
}

// AppendAckFack appends `REPLCONF ACK <offset> FACK <aofoffset>` (Redis
// 7.2, for WAITAOF): aofoffset is the stream offset fsynced to the AOF.
func AppendAckFack(b []byte, offset, aofOffset int64) []byte {
	return wire.AppendCommand(b, []byte("REPLCONF"), []byte("ACK"), strconv.AppendInt(nil, offset, 10),
		[]byte("FACK"), strconv.AppendInt(nil, aofOffset, 10))
}

// AppendAckOpID appends `REPLCONF ACK-OPID <next_opid>`, which an opdis
// replica sends after each ACK (ApsaraCache).
func AppendAckOpID(b []byte, nextOpID int64) []byte {
	return wire.AppendCommand(b, []byte("REPLCONF"), []byte("ACK-OPID"), strconv.AppendInt(nil, nextOpID, 10))
}

// AppendSyncReplOffset appends `syncreploffset <offset>`, which ends an
// AOF psync: the replica's byte offset becomes the master's
// master_repl_offset. The frame itself is not counted.
func AppendSyncReplOffset(b []byte, offset int64) []byte {
	return wire.AppendCommand(b, []byte("syncreploffset"), strconv.AppendInt(nil, offset, 10))
}
