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
//
// A snapshot has up to two kinds of sinks: the file (SAVE, BGSAVE, the
// cron, a disk-based full sync) and replicas (repl_master.go). A diskless
// full sync writes no file: the bytes go to the replicas as they are
// encoded, and the walk pauses while a replica has not taken what it got
// (the pipe back-pressure of Redis's diskless transfer). Every snapshot
// records its point in the replication stream, so a replica can start
// from any snapshot that began while the backlog existed.

const (
	snapStepKeys   = 2048    // keys written per step at most
	snapStepBytes  = 4 << 20 // bytes encoded per step at most
	snapWriteChunk = 256 << 10
	snapSinkMax    = 4 << 20 // a diskless transfer waits while a replica has this much not taken
	snapTempName   = "temp-snapshot.rdb"
	bgsaveRetryMs  = 5000 // CONFIG_BGSAVE_RETRY_DELAY
)

// snapshot is a save in progress.
type snapshot struct {
	gen      uint32
	toFile   bool           // written to the data directory (name, index), not only to replicas
	file     aofbinlog.File // the temp file, while open
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

	point   syncPoint // where the replication stream was when it began
	full    *fullSync // the replicas it feeds (repl_master.go); nil for none
	emitted int64     // bytes handed to the sinks so far
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

// startSnapshot begins a snapshot to the data directory; sync runs it to
// the end at once (SAVE).
func (n *Node) startSnapshot(sync bool) error {
	_, err := n.beginSnapshot(true, sync)
	return err
}

// beginSnapshot begins a snapshot, written to the data directory when
// toFile (else only replicas read it, diskless); sync runs it to the end.
func (n *Node) beginSnapshot(toFile, sync bool) (*snapshot, error) {
	if n.snap != nil {
		return nil, errSaveInProgress
	}
	if toFile && n.env.FS == nil {
		return nil, errors.New("no data directory")
	}
	s := &snapshot{toFile: toFile, curDB: -1, startMs: n.nowMs(), startMon: n.monotonic(), dirty: n.dirty}
	if toFile {
		n.saves.lastTryMs = n.nowMs()
		if err := n.snapOpenFile(s); err != nil {
			return nil, n.snapFailed(s, err)
		}
	}
	n.saves.gen++
	s.gen = n.saves.gen
	s.point = n.currentSyncPoint()
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
		n.snapRunToEnd(s)
		if s.err != nil {
			return nil, s.err
		}
	}
	return s, nil
}

// snapOpenFile names the snapshot's file and creates the temp file it is
// written to. With the AOF on it first splits the AOF, so the new AOF file
// starts exactly at the snapshot's point.
func (n *Node) snapOpenFile(s *snapshot) error {
	s.name = n.cfg.DBFilename
	if n.aofOn() {
		if err := n.aofSplit(false); err != nil {
			return err
		}
		live, off := n.aof.log.LiveFile()
		s.index = aofbinlog.RDBIndex{AOF: live, Offset: off, NextOpID: n.op.nextOpID, LastEpoch: n.op.lastEpoch, Applied: n.appliedIndex()}
		stem := strings.TrimSuffix(n.cfg.DBFilename, ".rdb")
		s.name = fmt.Sprintf("%s-%d.rdb", stem, n.op.nextOpID)
		s.index.RDB = s.name
	}
	f, err := n.env.FS.Create(snapTempName)
	if err != nil {
		return fmt.Errorf("create %s: %w", snapTempName, err)
	}
	s.file = f
	return nil
}

// snapshotAux are the RDB aux fields: Redis's, then opdis's op-id state.
// With a replication history (a backlog) it also records it as Redis
// does (repl-stream-db, repl-id, repl-offset), so a restart can PSYNC.
func (n *Node) snapshotAux(s *snapshot) [][2]string {
	aux := [][2]string{
		{"redis-ver", RedisVersion},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(s.startMs/1000, 10)},
		{"used-mem", "0"},
	}
	if p := s.point; p.valid {
		aux = append(aux, [][2]string{
			{"repl-stream-db", "0"},
			{"repl-id", p.replID},
			{"repl-offset", strconv.FormatInt(p.offset, 10)},
		}...)
	}
	return append(aux, [][2]string{
		{"aof-base", "0"},
		{"opdis-ver", Version},
		{"opdis-next-opid", strconv.FormatInt(n.op.nextOpID, 10)},
		{"opdis-epoch", strconv.FormatInt(n.op.epoch, 10)},
		{"opdis-server-id", strconv.FormatInt(n.cfg.ServerID, 10)},
	}...)
}

// snapStep writes the next bounded batch of keys, and finishes the
// snapshot when the walk is complete. A diskless transfer waits while a
// replica has not taken what it already got.
func (n *Node) snapStep() {
	if s := n.snap; s != nil && !n.fullSyncThrottled(s) {
		n.snapWalk(s)
	}
}

// snapRunToEnd completes snapshot s now (SAVE, and the barrier before a
// command that changes whole databases).
func (n *Node) snapRunToEnd(s *snapshot) {
	for n.snap == s {
		n.snapWalk(s)
	}
}

// snapWalk is one bounded step of the walk.
func (n *Node) snapWalk(s *snapshot) {
	budget := snapStepKeys
	var batch []string
	start := s.emitted + int64(len(s.out.b)) // bytes encoded so far (flushes move them to emitted)
	for s.db < len(n.dbs) && budget > 0 && s.emitted+int64(len(s.out.b))-start < snapStepBytes && n.snap == s {
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
			if o, ok := db.keys.Get(k); ok && o.snap != s.gen && n.snap == s {
				n.snapWriteKey(db, k, o)
				budget--
			}
		}
		if s.cursor == 0 {
			s.db, s.started = s.db+1, false
		}
	}
	if n.snap != s {
		return // failed while writing a key
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

// snapFlush hands the encoded bytes to the sinks: the temp file and the
// replicas.
func (n *Node) snapFlush(s *snapshot, final bool) error {
	if len(s.out.b) == 0 && !final {
		return nil
	}
	if s.file != nil {
		if _, err := s.file.Write(s.out.b); err != nil {
			return fmt.Errorf("write %s: %w", snapTempName, err)
		}
	}
	n.fullSyncEmit(s, s.out.b)
	s.emitted += int64(len(s.out.b))
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
	if s := n.snap; s != nil {
		n.snapRunToEnd(s)
	}
}

// snapFinish ends the snapshot: the file is made durable under its final
// name and recorded in rdb.index, then the replicas get the end of it.
func (n *Node) snapFinish(s *snapshot) {
	err := s.enc.Finish()
	if err == nil {
		err = n.snapFlush(s, true)
	}
	if err == nil && s.toFile {
		err = n.snapCommitFile(s)
	}
	if err != nil {
		n.snapFailed(s, err)
		return
	}
	n.snap = nil
	if s.toFile {
		n.snapSaved(s)
	}
	n.fullSyncDone(s)
}

// snapCommitFile fsyncs and closes the temp file, renames it to its final
// name and, with the AOF on, writes rdb.index.
func (n *Node) snapCommitFile(s *snapshot) error {
	var err error
	if err = s.file.Sync(); err != nil {
		err = fmt.Errorf("fsync %s: %w", snapTempName, err)
	}
	if cerr := s.file.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", snapTempName, cerr)
	}
	s.file = nil
	if err != nil {
		return err
	}
	fs := n.env.FS
	if err = fs.Rename(snapTempName, s.name); err == nil {
		err = fs.SyncDir()
	}
	if err == nil && s.index.AOF != "" {
		if n.aof.log == nil {
			err = errors.New("the AOF was closed during the snapshot")
		} else {
			err = n.aof.log.WriteRDBIndex(s.index)
		}
	}
	return err
}

// snapSaved records a completed save: the previous snapshot file goes,
// the AOF may be purged, and LASTSAVE and the dirty count move.
func (n *Node) snapSaved(s *snapshot) {
	if s.index.AOF != "" {
		if old := n.saves.lastSnapshot; old != "" && old != s.name {
			n.env.FS.Remove(old)
		}
		n.saves.lastSnapshot = s.name
		n.aof.written = 0
		if n.cfg.AutoPurgeAOF {
			gone, err := n.aof.log.PurgeToSize(n.cfg.AOFKeepSize, n.opdelGuard())
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

// snapFailed abandons the snapshot and records the error (a failed save;
// a diskless transfer failing is the replicas' business only).
func (n *Node) snapFailed(s *snapshot, err error) error {
	n.snapDrop(s)
	s.err = err
	if s.toFile {
		n.saves.lastOK, n.saves.lastErr = false, err
	}
	n.logf(LogWarning, "Snapshot failed: %v", err)
	n.fullSyncFailed(s, err)
	return err
}

// snapDrop forgets snapshot s and its temp file.
func (n *Node) snapDrop(s *snapshot) {
	if s.file != nil {
		s.file.Close()
		s.file = nil
		n.env.FS.Remove(snapTempName)
	}
	if n.snap == s {
		n.snap = nil
	}
}

// abortSnapshot drops a snapshot in progress (shutdown without save).
func (n *Node) abortSnapshot(why string) {
	if s := n.snap; s != nil {
		n.snapDrop(s)
		n.fullSyncFailed(s, errors.New(why))
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
	if err := n.aofErr(); err != nil {
		return "MISCONF Errors writing to the AOF file: " + err.Error()
	}
	return ""
}
