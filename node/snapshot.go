package node

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"opdis/aofbinlog"
	"opdis/wire/rdb"
)

// Snapshots (DESIGN §2, §4): an RDB file of the keyspace as it was when
// the snapshot began, written without fork and without stalling the node.
// The keyspace is walked in bounded steps between events (Tick); every key
// a command is about to change, and every key about to be replaced or
// removed, is written first if the walk has not reached it yet (Dragonfly's
// approach). Each object carries the generation of the snapshot that wrote
// it, so a key is written exactly once, and a key created during the
// snapshot is not written at all.
//
// With appendonly yes a snapshot first splits the AOF: the new file starts
// exactly at the snapshot's point, and rdb.index (written after the RDB is
// durable) names both, so a restart loads the RDB then the AOF from there.
// With appendonly no it writes dbfilename, as Redis does.

const (
	snapStepKeys   = 2048    // keys written per step at most
	snapStepBytes  = 4 << 20 // bytes encoded per step at most
	snapWriteChunk = 256 << 10
	snapTempName   = "temp-snapshot.rdb"
	bgsaveRetryMs  = 5000 // CONFIG_BGSAVE_RETRY_DELAY
)

// snapshot is a save in progress.
type snapshot struct {
	gen      uint32
	file     aofbinlog.File
	out      snapBuffer
	enc      *rdb.Encoder
	name     string             // final file name
	index    aofbinlog.RDBIndex // written after the rename (AOF on)
	db       int                // the database the walk is in
	cursor   uint64             // its scan cursor
	started  bool               // the walk of db has begun
	curDB    int                // database of the last SELECTDB written
	sizes    [][2]uint64        // keys and expires per db at the start
	startMs  int64
	startMon time.Duration
	dirty    int64 // n.dirty when it began
	keys     int64
	total    int64
	err      error
}

// snapBuffer gathers the encoder's output between writes to the file.
type snapBuffer struct{ b []byte }

func (s *snapBuffer) Write(p []byte) (int, error) { s.b = append(s.b, p...); return len(p), nil }

// saveState is the history INFO persistence and LASTSAVE report.
type saveState struct {
	gen          uint32
	saves        int64
	lastOK       bool
	lastTryMs    int64
	lastTimeSec  int64
	lastErr      error
	loadedKeys   int64
	expiredKeys  int64
	lastSnapshot string // the snapshot file rdb.index names, to remove when replaced
}

var errSaveInProgress = errors.New("Background save already in progress")

// startSnapshot begins a snapshot; sync runs it to the end at once (SAVE).
func (n *Node) startSnapshot(sync bool) error {
	if n.snap != nil {
		return errSaveInProgress
	}
	if n.env.FS == nil {
		return errors.New("no data directory")
	}
	n.saves.lastTryMs = n.nowMs()
	s := &snapshot{curDB: -1, startMs: n.nowMs(), startMon: n.monotonic(), dirty: n.dirty}
	s.name = n.cfg.DBFilename
	if n.aofOn() {
		if err := n.aofSplit(false); err != nil {
			return n.snapFailed(s, err)
		}
		live, off := n.aof.log.LiveFile()
		s.index = aofbinlog.RDBIndex{AOF: live, Offset: off, NextOpID: n.op.nextOpID, LastEpoch: n.op.epoch}
		stem := strings.TrimSuffix(n.cfg.DBFilename, ".rdb")
		s.name = fmt.Sprintf("%s-%d.rdb", stem, n.op.nextOpID)
		s.index.RDB = s.name
	}
	f, err := n.env.FS.Create(snapTempName)
	if err != nil {
		return n.snapFailed(s, fmt.Errorf("create %s: %w", snapTempName, err))
	}
	s.file = f
	n.saves.gen++
	s.gen = n.saves.gen
	for _, db := range n.dbs {
		s.sizes = append(s.sizes, [2]uint64{uint64(db.Len()), uint64(db.Volatile())})
		s.total += int64(db.Len())
	}
	s.enc = rdb.NewEncoder(&s.out)
	s.enc.SetCompression(n.cfg.RDBCompression)
	for _, kv := range n.snapshotAux(s) {
		s.enc.Aux(kv[0], kv[1])
	}
	n.snap = s
	if sync {
		for n.snap == s {
			n.snapStep()
		}
		if s.err != nil {
			return s.err
		}
	}
	return nil
}

// snapshotAux are the RDB aux fields: Redis's, then opdis's op-id state.
func (n *Node) snapshotAux(s *snapshot) [][2]string {
	return [][2]string{
		{"redis-ver", RedisVersion},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(s.startMs/1000, 10)},
		{"used-mem", "0"},
		{"aof-base", "0"},
		{"opdis-ver", Version},
		{"opdis-next-opid", strconv.FormatInt(n.op.nextOpID, 10)},
		{"opdis-epoch", strconv.FormatInt(n.op.epoch, 10)},
		{"opdis-server-id", strconv.FormatInt(n.cfg.ServerID, 10)},
	}
}

// snapStep writes the next bounded batch of keys, and finishes the
// snapshot when the walk is complete.
func (n *Node) snapStep() {
	s := n.snap
	if s == nil {
		return
	}
	budget := snapStepKeys
	var batch []string
	for s.db < len(n.dbs) && budget > 0 && len(s.out.b) < snapStepBytes {
		db := n.dbs[s.db]
		if s.started && s.cursor == 0 || db.Len() == 0 {
			s.db, s.cursor, s.started = s.db+1, 0, false
			continue
		}
		s.started = true
		batch = batch[:0]
		s.cursor = db.keys.Scan(s.cursor, 64, func(k string, o *Object) {
			if o.snap != s.gen {
				batch = append(batch, k)
			}
		})
		for _, k := range batch {
			if o, ok := db.keys.Get(k); ok && o.snap != s.gen {
				n.snapWriteKey(db, k, o)
				budget--
			}
		}
		if s.cursor == 0 {
			s.db, s.started = s.db+1, false
		}
	}
	if err := n.snapFlush(s, false); err != nil {
		n.snapFailed(s, err)
		return
	}
	if s.db >= len(n.dbs) {
		n.snapFinish(s)
	}
}

// snapWriteKey writes one key as it is now and marks it written.
func (n *Node) snapWriteKey(db *DB, key string, o *Object) {
	s := n.snap
	o.snap = s.gen
	if s.curDB != db.id {
		s.curDB = db.id
		sz := s.sizes[db.id]
		s.enc.SelectDB(db.id, sz[0], sz[1])
	}
	s.enc.Key([]byte(key), objectValue(o), db.expireAt(key))
	s.keys++
	if len(s.out.b) >= snapWriteChunk {
		if err := n.snapFlush(s, false); err != nil {
			n.snapFailed(s, err)
		}
	}
}

// snapFlush writes the encoded bytes to the temp file.
func (n *Node) snapFlush(s *snapshot, final bool) error {
	if len(s.out.b) == 0 && !final {
		return nil
	}
	if _, err := s.file.Write(s.out.b); err != nil {
		return fmt.Errorf("write %s: %w", snapTempName, err)
	}
	s.out.b = s.out.b[:0]
	return nil
}

// snapBeforeWrite writes key first if the snapshot has not reached it:
// the keyspace hooks call it before a key is changed, replaced or removed.
func (n *Node) snapBeforeWrite(db *DB, key string) {
	if s := n.snap; s != nil {
		if o, ok := db.keys.Get(key); ok && o.snap != s.gen {
			n.snapWriteKey(db, key, o)
		}
	}
}

// snapBeforeCommand writes every key the command names before it runs,
// which covers every change made in place.
func (n *Node) snapBeforeCommand(c *Client, cmd *Command, args [][]byte) {
	if cmd.Name == "exec" && c.multi != nil {
		for _, q := range c.multi.commands {
			n.snapBeforeCommand(c, q.cmd, q.args)
		}
		return
	}
	for _, k := range commandKeys(cmd, args) {
		n.snapBeforeWrite(c.db, string(args[k.pos]))
	}
}

// snapBarrier completes a running snapshot now: FLUSHDB, FLUSHALL and
// SWAPDB change whole databases at once.
func (n *Node) snapBarrier() {
	for s := n.snap; s != nil && n.snap == s; {
		n.snapStep()
	}
}

// snapFinish ends the file, makes it durable under its final name, and
// records it in rdb.index.
func (n *Node) snapFinish(s *snapshot) {
	err := s.enc.Finish()
	if err == nil {
		err = n.snapFlush(s, true)
	}
	if err == nil {
		if err = s.file.Sync(); err != nil {
			err = fmt.Errorf("fsync %s: %w", snapTempName, err)
		}
	}
	if cerr := s.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", snapTempName, cerr)
	}
	s.file = nil
	fs := n.env.FS
	if err == nil {
		if err = fs.Rename(snapTempName, s.name); err == nil {
			err = fs.SyncDir()
		}
	}
	if err == nil && s.index.AOF != "" {
		if n.aof.log == nil {
			err = errors.New("the AOF was closed during the snapshot")
		} else {
			err = n.aof.log.WriteRDBIndex(s.index)
		}
	}
	if err != nil {
		n.snapFailed(s, err)
		return
	}
	n.snap = nil
	if s.index.AOF != "" {
		if old := n.saves.lastSnapshot; old != "" && old != s.name {
			fs.Remove(old)
		}
		n.saves.lastSnapshot = s.name
		n.aof.written = 0
		if n.cfg.AutoPurgeAOF {
			gone, err := n.aof.log.PurgeToSize(n.cfg.AOFKeepSize, 0)
			n.logPurge(gone, err)
		}
	}
	n.saves.saves++
	n.saves.lastOK, n.saves.lastErr = true, nil
	n.saves.lastTimeSec = int64((n.monotonic() - s.startMon) / time.Second)
	n.lastSave = n.nowMs() / 1000
	n.dirty -= s.dirty
	n.logf(LogNotice, "DB saved on disk: %s, %d keys", s.name, s.keys)
}

// snapFailed abandons the snapshot and records the error.
func (n *Node) snapFailed(s *snapshot, err error) error {
	if s.file != nil {
		s.file.Close()
		n.env.FS.Remove(snapTempName)
	}
	if n.snap == s {
		n.snap = nil
	}
	s.err = err
	n.saves.lastOK, n.saves.lastErr = false, err
	n.logf(LogWarning, "Snapshot failed: %v", err)
	return err
}

// abortSnapshot drops a snapshot in progress (shutdown without save).
func (n *Node) abortSnapshot() {
	if s := n.snap; s != nil {
		n.snap = nil
		s.file.Close()
		n.env.FS.Remove(snapTempName)
	}
}

// SnapshotInProgress reports whether a background snapshot is running; the
// server then ticks often so the snapshot's steps keep coming.
func (n *Node) SnapshotInProgress() bool { return n.snap != nil }

// Save writes a snapshot synchronously (SHUTDOWN SAVE, tests).
func (n *Node) Save() error {
	n.snapBarrier()
	return n.startSnapshot(true)
}

// saveCron starts a BGSAVE when a save point is reached, as serverCron.
func (n *Node) saveCron() {
	if n.snap != nil || n.env.FS == nil || n.dirty == 0 {
		return
	}
	now := n.nowMs()
	if !n.saves.lastOK && n.saves.lastTryMs > 0 && now-n.saves.lastTryMs < bgsaveRetryMs {
		return
	}
	f := strings.Fields(n.cfg.Save)
	for i := 0; i+1 < len(f); i += 2 {
		secs, err1 := strconv.ParseInt(f[i], 10, 64)
		changes, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if n.dirty >= changes && now/1000-n.lastSave > secs {
			n.logf(LogNotice, "%d changes in %d seconds. Saving...", changes, secs)
			n.startSnapshot(false)
			return
		}
	}
}

// objectValue converts an object to the RDB codec's value.
func objectValue(o *Object) rdb.Value {
	switch o.Type {
	case TypeString:
		return rdb.Value{Type: rdb.TypeString, Str: o.Str}
	case TypeList:
		return rdb.Value{Type: rdb.TypeList, Elems: o.List.Values()}
	case TypeSet:
		v := rdb.Value{Type: rdb.TypeSet, Elems: make([][]byte, 0, o.Set.Len())}
		o.Set.Range(func(m string, _ struct{}) bool { v.Elems = append(v.Elems, []byte(m)); return true })
		return v
	case TypeZSet:
		v := rdb.Value{Type: rdb.TypeZSet, Elems: make([][]byte, 0, o.ZSet.Len()), Scores: make([]float64, 0, o.ZSet.Len())}
		o.ZSet.Range(func(m string, s float64) bool {
			v.Elems, v.Scores = append(v.Elems, []byte(m)), append(v.Scores, s)
			return true
		})
		return v
	default:
		v := rdb.Value{Type: rdb.TypeHash, Elems: make([][]byte, 0, 2*o.Hash.Len())}
		o.Hash.Range(func(f string, val []byte) bool { v.Elems = append(v.Elems, []byte(f), val); return true })
		return v
	}
}

// saveCmd is SAVE.
func saveCmd(n *Node, c *Client, args [][]byte) {
	if n.snap != nil {
		c.addError("ERR " + errSaveInProgress.Error())
		return
	}
	if err := n.startSnapshot(true); err != nil {
		c.addError("ERR")
		return
	}
	c.addOK()
}

// bgsaveCmd is BGSAVE [SCHEDULE]. (ApsaraCache replies a 10-element array
// with the AOF position; opdis keeps Redis's reply, which clients and
// tools parse, and reports the position in INFO persistence.)
func bgsaveCmd(n *Node, c *Client, args [][]byte) {
	if len(args) > 2 || (len(args) == 2 && !eq(args[1], "schedule")) {
		c.addError(errSyntax)
		return
	}
	if n.snap != nil {
		if len(args) == 2 {
			c.addSimple("Background saving scheduled")
			n.saves.lastTryMs = 0
			return
		}
		c.addError("ERR " + errSaveInProgress.Error())
		return
	}
	if err := n.startSnapshot(false); err != nil {
		c.addError("ERR " + err.Error())
		return
	}
	c.addSimple("Background saving started")
}

// bgrewriteaofCmd is BGREWRITEAOF: the multi-file AOF is never rewritten;
// a snapshot moves rdb.index forward and lets old files be purged, which
// is what a rewrite is for.
func bgrewriteaofCmd(n *Node, c *Client, args [][]byte) {
	if n.snap != nil {
		c.addError("ERR Background append only file rewriting already in progress")
		return
	}
	if err := n.startSnapshot(false); err != nil {
		c.addError("ERR " + err.Error())
		return
	}
	c.addSimple("Background append only file rewriting started")
}

// writesDeniedByDisk is Redis's writeCommandsDeniedByDiskError.
func (n *Node) writesDeniedByDisk() string {
	if n.cfg.StopWritesOnBgsaveErr && strings.TrimSpace(n.cfg.Save) != "" && !n.saves.lastOK && n.saves.lastErr != nil {
		return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. " +
			"Commands that may modify the data set are disabled, because this instance is configured to report errors " +
			"during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs " +
			"for details about the RDB error."
	}
	if n.aof.err != nil {
		return "MISCONF Errors writing to the AOF file: " + n.aof.err.Error()
	}
	return ""
}
