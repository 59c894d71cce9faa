package node

import (
	"fmt"
	"strconv"
	"strings"

	"opdis/aofbinlog"
)

// Replication state across a clean restart (DESIGN §5): Redis restores
// master_replid and master_repl_offset from its RDB's aux fields. opdis
// loads a snapshot plus the AOF after it, and the stream offset also
// counts frames the AOF does not hold (PINGs, GETACKs), so the offset
// cannot be derived from the files. Close therefore records the
// replication state in a small file, and Load restores it only when it is
// exact: the data loaded ends at the same op id and epoch as when it was
// written. Anything else (a crash, a file from an older run) keeps the
// old behaviour: the node resumes by op id (AOF continue). The file is
// consumed at Load, so it never outlives the start it was written for.
//
// Only a clean shutdown writes it, never a snapshot or a role change:
// the epoch is restored too, and after a crash that lost the AOF's tail a
// state recorded earlier could match the data loaded while replicas hold
// the lost entries; the same epoch on new entries with those op ids would
// then pass the epoch rule (DESIGN §5) and an AOF continue would splice
// two histories. A fresh epoch after any unclean start prevents that.
//
// A restored replica PSYNCs its master's id from offset+1 and gets
// +CONTINUE from the backlog; a restored master keeps the id as replid2
// with an empty backlog at the offset (Redis's restart path), so its
// replicas CONTINUE too.

const replStateFile = "repl.state"

// savedRepl is what the file holds.
type savedRepl struct {
	replID      string
	offset      int64
	nextOpID    int64
	lastEpoch   int64
	epoch       int64
	masterOpdis bool
	streamDB    int // a redis-server master's SELECTed database
}

func (s savedRepl) encode() []byte {
	return fmt.Appendf(nil, "replid %s\noffset %d\nnext_opid %d\nlast_epoch %d\nepoch %d\nmaster_opdis %d\nstream_db %d\n",
		s.replID, s.offset, s.nextOpID, s.lastEpoch, s.epoch, boolInt(s.masterOpdis), s.streamDB)
}

func decodeSavedRepl(data []byte) (savedRepl, error) {
	var s savedRepl
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, ok := strings.Cut(line, " ")
		if !ok {
			return s, fmt.Errorf("bad line %q", line)
		}
		if k == "replid" {
			if len(v) != 40 {
				return s, fmt.Errorf("bad replid %q", v)
			}
			s.replID = v
			seen++
			continue
		}
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return s, fmt.Errorf("bad %s %q", k, v)
		}
		switch k {
		case "offset":
			s.offset = i
		case "next_opid":
			s.nextOpID = i
		case "last_epoch":
			s.lastEpoch = i
		case "epoch":
			s.epoch = i
		case "master_opdis":
			s.masterOpdis = i != 0
		case "stream_db":
			s.streamDB = int(i)
		default:
			continue // a field from a newer version
		}
		seen++
	}
	if seen < 7 {
		return s, fmt.Errorf("%d of 7 fields", seen)
	}
	return s, nil
}

// saveReplState records the replication state at a clean shutdown.
func (n *Node) saveReplState() error {
	if n.env.FS == nil || n.fatal != nil {
		return nil
	}
	if l := n.repl.link; l != nil && l.aofReplID != "" {
		return nil // AOF-psyncing: the offset is not the master's yet
	}
	ids := n.repl.ids
	s := savedRepl{replID: ids.ReplID, offset: ids.MasterReplOffset, nextOpID: n.op.nextOpID,
		lastEpoch: n.op.lastEpoch, epoch: n.op.epoch, masterOpdis: n.repl.masterOpdis, streamDB: n.repl.streamDB}
	if err := aofbinlog.WriteFileAtomic(n.env.FS, replStateFile, s.encode()); err != nil {
		return fmt.Errorf("saving the replication state: %w", err)
	}
	n.logf(LogNotice, "Replication state saved: replid %s offset %d next op id %d", s.replID, s.offset, s.nextOpID)
	return nil
}

// restoreReplState applies the file Close wrote when the loaded data is
// exactly what it describes, then removes it.
func (n *Node) restoreReplState() {
	if n.env.FS == nil {
		return
	}
	data, err := aofbinlog.ReadSmallFile(n.env.FS, replStateFile)
	if err != nil {
		if !aofbinlog.IsNotExist(err) {
			n.logf(LogWarning, "Ignoring %s: %v", replStateFile, err)
		}
		return
	}
	// Consumed before use, durably: a file left behind could match the
	// data of a later unclean start (see above).
	err = n.env.FS.Remove(replStateFile)
	if err == nil {
		err = n.env.FS.SyncDir()
	}
	if err != nil {
		n.logf(LogWarning, "Not restoring the replication state: removing %s: %v", replStateFile, err)
		return
	}
	s, err := decodeSavedRepl(data)
	if err != nil {
		n.logf(LogWarning, "Ignoring %s: %v", replStateFile, err)
		return
	}
	if s.nextOpID != n.op.nextOpID || s.lastEpoch != n.op.lastEpoch {
		n.logf(LogNotice, "Not restoring the replication state: it was saved at next op id %d epoch %d, the data loaded is at %d epoch %d",
			s.nextOpID, s.lastEpoch, n.op.nextOpID, n.op.lastEpoch)
		return
	}
	asMaster := len(strings.Fields(n.cfg.ReplicaOf)) != 2
	n.repl.ids.Restore(s.replID, s.offset, asMaster)
	n.repl.masterOpdis = s.masterOpdis
	if s.streamDB >= 0 && s.streamDB < len(n.dbs) {
		n.repl.streamDB = s.streamDB
	}
	if s.epoch != 0 {
		n.op.epoch = s.epoch
	}
	n.logf(LogNotice, "Replication state restored: replid %s offset %d (as %s)", s.replID, s.offset, map[bool]string{true: "master", false: "replica"}[asMaster])
}
