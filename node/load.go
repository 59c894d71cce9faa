package node

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"opdis/aofbinlog"
	"opdis/wire"
	"opdis/wire/rdb"
)

// Start-up loading (DESIGN §4). With appendonly yes: open the binlog
// (repairing a torn tail of the last file), load the snapshot rdb.index
// names, replay the entries from its AOF offset to the end, split to a
// new file; a directory with no AOF yet loads dbfilename (a Redis
// dump.rdb migrating in) and snapshots at once so the binlog has a base.
// With appendonly no: load dbfilename, as Redis does. Any corruption is an
// error naming the file and offset; nothing is deleted and the node must
// not serve.

// Load reads the data directory. The server calls it once, after New and
// before serving, and refuses to start if it fails.
func (n *Node) Load() error {
	if err := n.loadOpdelSources(); err != nil { // first: they guard purges
		return err
	}
	if err := n.load(); err != nil {
		return err
	}
	// Redis's loading runs no command through call(): the stats start empty.
	n.ResetStats()
	n.restoreReplState()
	if f := strings.Fields(n.cfg.ReplicaOf); len(f) == 2 && n.env.Dialer != nil {
		if port, err := strconv.Atoi(f[1]); err == nil {
			n.becomeReplica(f[0], port)
		}
	}
	return nil
}

func (n *Node) load() error {
	if n.env.FS == nil {
		return nil
	}
	n.env.FS.Remove(snapTempName) // a snapshot cut short by a crash
	if !n.cfg.AppendOnly {
		return n.loadRDBFile(n.cfg.DBFilename, true)
	}
	return n.loadAOF(aofbinlog.Stop{})
}

func (n *Node) loadAOF(stop aofbinlog.Stop) error {
	l, err := aofbinlog.Open(n.env.FS, n.aofOptions())
	if err != nil {
		return err
	}
	if r, ok := l.Repaired(); ok {
		n.logf(LogWarning, "!!! Warning: short read while loading the AOF file %s !!! Truncated the torn tail at offset %d (%d bytes dropped)", r.File, r.Offset, r.Size-r.Offset)
	}
	idx, hasIndex := l.RDBIndex()
	migrated := false
	switch {
	case hasIndex:
		if err := n.loadRDBFile(idx.RDB, false); err != nil {
			l.Close()
			return err
		}
		n.op.nextOpID = max(n.op.nextOpID, idx.NextOpID)
		n.op.lastEpoch = idx.LastEpoch
		n.setApplied(appliedFromIndex(idx.Applied))
		if idx.AOF != "" {
			n.saves.lastSnapshot = idx.RDB
		}
	case len(l.Files()) == 0:
		if err := n.loadRDBFile(n.cfg.DBFilename, true); err != nil {
			l.Close()
			return err
		}
		migrated = n.saves.loadedKeys > 0
	}
	ld, err := l.Load(stop)
	if err != nil {
		l.Close()
		return err
	}
	entries, lone := 0, false
	for {
		rec, err := ld.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil {
			err = n.applyEntry(rec.Entry)
			if err != nil {
				err = fmt.Errorf("aof %s offset %d (op id %d): %w", rec.File, rec.Offset, rec.Entry.Header.OpID, err)
			}
		}
		if err != nil {
			ld.Close()
			l.Close()
			return err
		}
		entries++
		lone = len(rec.Entry.Commands) == 0
		if h := rec.Entry.Header; h.Version >= 2 && !lone {
			n.op.lastEpoch = h.Epoch
		}
		n.op.nextOpID = max(n.op.nextOpID, rec.Entry.Header.OpID+1)
	}
	if lone {
		// A trailing lone header's op id was never used (ApsaraCache).
		n.op.nextOpID--
	}
	if last := l.LastOpID(); last >= n.op.nextOpID && !lone {
		n.op.nextOpID = last + 1
	}
	n.logf(LogNotice, "AOF loaded: %d entries, next op id %d", entries, n.op.nextOpID)
	n.aof = aofState{log: l, policy: n.aofPolicy()}
	if hasIndex {
		n.dropReplacedHistory(idx)
	}
	if err := n.aofSplit(false); err != nil {
		return err
	}
	switch {
	case migrated:
		// The data came from dbfilename, which the binlog does not name:
		// snapshot before serving, or a crash would restart without it.
		if err := n.startSnapshot(true); err != nil {
			return fmt.Errorf("snapshot of %s into the binlog: %w", n.cfg.DBFilename, err)
		}
	case !hasIndex || idx.AOF == "":
		n.startSnapshot(false) // so the binlog has a base and can be purged
	}
	n.dirty = 0
	return nil
}

// applyEntry replays one logged entry on the loader client: the header's
// database, the commands in order (SELECT inside a transaction moves it;
// MULTI and EXEC only frame the entry). Replies are discarded, as for
// Redis's AOF fake client.
func (n *Node) applyEntry(e wire.Entry) error {
	if int(e.Header.DB) >= len(n.dbs) {
		return fmt.Errorf("db %d out of range (databases %d)", e.Header.DB, len(n.dbs))
	}
	c := n.loader
	if c == nil {
		c = newClient(n, 0, "", "")
		c.authenticated = true
		n.loader = c
	}
	c.db = n.dbs[e.Header.DB]
	if len(e.Commands) > 0 { // a lone header's entry never ran (it comes again whole, or was torn off)
		n.noteAppliedEntry(e.Header)
	}
	n.op.applying = true
	defer func() { n.op.applying = false }()
	for _, args := range e.Commands {
		if eq(args[0], "multi") || eq(args[0], "exec") {
			continue
		}
		cmd := n.lookupCommand(args[0])
		if cmd == nil {
			return fmt.Errorf("unknown command '%s' in the log", wire.Repr(string(args[0])))
		}
		if (cmd.Arity > 0 && len(args) != cmd.Arity) || len(args) < -cmd.Arity {
			return fmt.Errorf("wrong number of arguments for '%s' in the log", cmd.Name)
		}
		n.exec(c, cmd, args)
		c.out = c.out[:0]
	}
	return nil
}

// fileReader reads an aofbinlog.File from the start.
type fileReader struct {
	f   aofbinlog.File
	off int64
}

func (r *fileReader) Read(p []byte) (int, error) {
	k, err := r.f.ReadAt(p, r.off)
	r.off += int64(k)
	if k > 0 && errors.Is(err, io.EOF) {
		err = nil
	}
	return k, err
}

// loadRDBFile loads a snapshot into the (empty) keyspace. A missing file
// is fine when missingOK (a first start); anything else that goes wrong
// is an error naming the file.
func (n *Node) loadRDBFile(name string, missingOK bool) error {
	f, err := n.env.FS.Open(name)
	if err != nil {
		if missingOK && aofbinlog.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("rdb %s: %w", name, err)
	}
	defer f.Close()
	if err := n.loadRDB(bufio.NewReaderSize(&fileReader{f: f}, 256<<10)); err != nil {
		return fmt.Errorf("rdb %s: %w", name, err)
	}
	n.logf(LogNotice, "DB loaded from disk: %s, %d keys loaded, %d expired keys skipped", name, n.saves.loadedKeys, n.saves.expiredKeys)
	return nil
}

// loadRDB decodes a whole RDB stream into the keyspace. Keys already
// expired are skipped, as a master does.
func (n *Node) loadRDB(r io.Reader) error {
	dec := rdb.NewDecoder(r)
	now := n.nowMs()
	db := n.dbs[0]
	n.saves.loadedKeys, n.saves.expiredKeys = 0, 0
	for {
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch rec.Kind {
		case rdb.KindAux:
			n.loadAux(rec.AuxKey, rec.AuxVal)
		case rdb.KindSelectDB:
			if rec.DB < 0 || rec.DB >= len(n.dbs) {
				return fmt.Errorf("offset %d: database %d out of range (databases %d)", rec.Offset, rec.DB, len(n.dbs))
			}
			db = n.dbs[rec.DB]
		case rdb.KindKey:
			if rec.ExpireMs >= 0 && rec.ExpireMs <= now {
				n.saves.expiredKeys++
				continue
			}
			o := n.valueObject(rec.Value)
			if o == nil {
				return fmt.Errorf("offset %d: key %q: empty or unknown value", rec.Offset, rec.Key)
			}
			key := string(rec.Key)
			db.keys.SetOwned(key, o)
			if rec.ExpireMs >= 0 {
				db.expires.SetOwned(key, rec.ExpireMs)
			}
			n.saves.loadedKeys++
		}
	}
}

// loadAux takes opdis's op-id state from a snapshot's aux fields.
func (n *Node) loadAux(key, val string) {
	v, err := strconv.ParseInt(val, 10, 64)
	if err != nil {
		return
	}
	switch key {
	case "opdis-next-opid":
		n.op.nextOpID = max(n.op.nextOpID, v)
	}
}

// valueObject builds an object from a decoded value, with the small or
// large encoding Redis 7.0 would choose for it.
func (n *Node) valueObject(v rdb.Value) *Object {
	switch v.Type {
	case rdb.TypeString:
		return newStringObject(v.Str)
	case rdb.TypeList:
		if len(v.Elems) == 0 {
			return nil
		}
		o := newListObject()
		for _, e := range v.Elems {
			o.List.PushBack(e)
		}
		return o
	case rdb.TypeSet:
		if len(v.Elems) == 0 {
			return nil
		}
		o := n.newSetObject()
		for _, m := range v.Elems {
			n.setAdd(o, string(m))
		}
		return o
	case rdb.TypeZSet:
		if len(v.Elems) == 0 || len(v.Scores) != len(v.Elems) {
			return nil
		}
		o := n.zsetNewObject(false)
		o.big = int64(len(v.Elems)) > n.cfg.ZSetMaxLPEntries
		for _, m := range v.Elems {
			if int64(len(m)) > n.cfg.ZSetMaxLPValue {
				o.big = true
			}
		}
		for i, m := range v.Elems {
			s := v.Scores[i]
			if !o.big {
				s = zlpScore(s)
			}
			o.ZSet.Add(string(m), s)
		}
		return o
	case rdb.TypeHash:
		if len(v.Elems) == 0 || len(v.Elems)%2 != 0 {
			return nil
		}
		o := n.newHashObject()
		for i := 0; i+1 < len(v.Elems); i += 2 {
			n.hashSet(o, v.Elems[i], v.Elems[i+1])
		}
		return o
	}
	return nil
}

// dropReplacedHistory purges the AOF files before the snapshot's when
// they hold another history: the snapshot came in a full sync, whose
// adoptSnapshot purges them, but a crash can come first. Left there,
// OPGET and AOF psync would serve entries this node's dataset never had.
// They are another history when entry next_opid-1 of rdb.index is not in
// them with rdb.index's epoch.
func (n *Node) dropReplacedHistory(idx aofbinlog.RDBIndex) {
	l := n.aof.log
	files := l.Files()
	i := slices.IndexFunc(files, func(f aofbinlog.FileInfo) bool { return f.Name == idx.AOF })
	if i <= 0 || idx.LastEpoch == 0 || !slices.ContainsFunc(files[:i], func(f aofbinlog.FileInfo) bool { return f.FirstOpID > 0 }) {
		return
	}
	h, ok, err := l.HeaderOf(idx.NextOpID - 1)
	if err != nil || (ok && h.Epoch == idx.LastEpoch) {
		return
	}
	n.logf(LogWarning, "The AOF files before %s hold another history than the snapshot %s (a full sync was cut short): purging them", idx.AOF, idx.RDB)
	gone, err := l.Purge(files[i-1].Name, 0)
	n.logPurge(gone, err)
}
