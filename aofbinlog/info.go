package aofbinlog

// FileInfo describes one file of the log.
type FileInfo struct {
	Name      string
	Size      int64
	FirstOpID int64 // 0: no entry
	FirstTsMs int64
	LastOpID  int64 // -1: not known yet (the file has not been read)
	Live      bool
}

// Files lists the log's files, oldest first.
func (l *Log) Files() []FileInfo {
	out := make([]FileInfo, len(l.segs))
	for i, s := range l.segs {
		out[i] = FileInfo{Name: s.name, Size: s.size, FirstOpID: s.first, FirstTsMs: s.firstTs, LastOpID: s.last, Live: i == len(l.segs)-1}
	}
	return out
}

// LastOpID is the op id of the last entry in the log, 0 if it has none.
func (l *Log) LastOpID() int64 { return l.maxOp }

// SyncedOpID is the op id up to which every entry is fsynced (WAITAOF).
func (l *Log) SyncedOpID() int64 { return l.syncedOp }

// MinOpID is the first op id still in the log (min_valid_opid), or
// LastOpID()+1 when the log holds no entry.
func (l *Log) MinOpID() int64 {
	if ne := l.nonEmpty(); len(ne) > 0 {
		return l.segs[ne[0]].first
	}
	return l.maxOp + 1
}

// LiveFile returns the live file's name and size ("" if there is none).
func (l *Log) LiveFile() (string, int64) {
	if s := l.liveSeg(); s != nil {
		return s.name, s.size
	}
	return "", 0
}

// TotalSize is the size of all files of the log.
func (l *Log) TotalSize() int64 {
	var n int64
	for _, s := range l.segs {
		n += s.size
	}
	return n
}

// Repaired reports the torn tail Open found in the last file, if any.
func (l *Log) Repaired() (Repair, bool) {
	if l.repair == nil {
		return Repair{}, false
	}
	return *l.repair, true
}

// RDBIndex returns the loaded or last written rdb.index.
func (l *Log) RDBIndex() (RDBIndex, bool) {
	if l.rdb == nil {
		return RDBIndex{}, false
	}
	return *l.rdb, true
}

// Err returns the sticky error that disabled the log, if any.
func (l *Log) Err() error { return l.err }
