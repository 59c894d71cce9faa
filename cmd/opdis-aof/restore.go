package main

// restore: point-in-time recovery into a new data directory.

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"opdis/aofbinlog"
	"opdis/node/osenv"
)

var restoreCmd = &command{
	name: "restore", args: "--to TARGET --from DIR --into NEWDIR", nargs: 0,
	summary: "build a data dir holding the state at a time or op id",
	help: `
Builds NEWDIR, a data directory whose state is the state of DIR at TARGET,
without modifying DIR. TARGET is opid:N (every entry up to op id N) or an
RFC 3339 time such as 2024-05-01T10:00:00.250Z (every entry whose timestamp
in milliseconds is at or before it; a version-1 entry's time is its second,
so a whole-second target keeps the entries of that second).

NEWDIR gets the snapshot rdb.index names when it is not newer than TARGET
(its op ids up to next_opid-1 are all within TARGET), the AOF files from
the one rdb.index names to the one holding TARGET, the last cut right
after the last entry within TARGET, and fresh aof-inc.index and rdb.index.
When the snapshot is newer than TARGET, the state is rebuilt from op id 1
without a snapshot (NEWDIR then has no rdb.index), which needs the log to
still hold op id 1; otherwise restore fails and names the earliest point
it can restore. NEWDIR must not exist or be empty. The result is opened
and read back before restore reports success.`,
	setup: func(fs *flag.FlagSet) func(*cmdEnv, []string) error {
		to := fs.String("to", "", "restore point: opid:N or an RFC 3339 time (required)")
		from := fs.String("from", "", "source data directory (required)")
		into := fs.String("into", "", "new data directory to create (required)")
		return func(env *cmdEnv, _ []string) error {
			if *to == "" || *from == "" || *into == "" {
				return usagef("--to, --from and --into are required")
			}
			t, err := parseTarget(*to)
			if err != nil {
				return usageError{err}
			}
			return restore(env, *from, *into, t)
		}
	},
}

func restore(env *cmdEnv, from, into string, to target) error {
	j, err := startJob(env, "restore", from, into, to)
	if err != nil {
		return err
	}
	defer j.close()
	l, src, p, out, prog := j.l, j.src, j.p, j.out, j.prog
	c := &copier{out: out, src: src, files: l.Files(), cur: -1}
	if err := c.open(c.index(p.start.File), p.start.Offset); err != nil {
		return err
	}
	var first, last int64
	end, n, err := walk(l, p, to, prog, func(rec aofbinlog.Record) error {
		if first == 0 {
			first = rec.Entry.Header.OpID
		}
		last = rec.Entry.Header.OpID
		return c.entry(rec)
	})
	if err == nil {
		err = c.finish(end)
	}
	if err != nil {
		c.abort()
		return err
	}
	if p.snap != nil {
		if _, err := out.copyFile(out.fsys, p.snap.RDB, src, p.snap.RDB, nil); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
	}
	if err := out.fsys.SyncDir(); err != nil {
		return err
	}
	out.track(out.fsys, aofbinlog.IndexName)
	if err := aofbinlog.WriteIndex(out.fsys, c.lines); err != nil {
		return err
	}
	if p.snap != nil {
		out.track(out.fsys, aofbinlog.RDBIndexName)
		if err := aofbinlog.WriteRDBIndex(out.fsys, *p.snap); err != nil {
			return err
		}
	}
	prog.done()
	if err := checkRestored(out.fsys, p, n, last); err != nil {
		return fmt.Errorf("the restored directory does not read back: %w", err)
	}
	out.keep = true
	fmt.Fprintf(env.stdout, "restored %s to %s into %s: %s; %d entries", from, to, into, p.describe(), n)
	if n > 0 {
		fmt.Fprintf(env.stdout, " (op ids %d to %d)", first, last)
	}
	fmt.Fprintf(env.stdout, " in %d AOF files\n", len(c.lines))
	return nil
}

// copier writes the restored AOF files: whole files, then the one holding
// the target cut after its last entry. Entries arrive from walk, which
// skips empty files, so it creates the files in between itself.
type copier struct {
	out   *outDir
	src   aofbinlog.FS
	files []aofbinlog.FileInfo // the source's, in index order
	cur   int                  // index into files of the file being written
	f     aofbinlog.File
	size  int64 // bytes written to f
	first int64 // op id and time of its first entry, last op id
	ts    int64
	last  int64
	lines []aofbinlog.IndexLine
}

func (c *copier) index(name string) int {
	for i, f := range c.files {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// open starts file i of the source, copying its first prefix bytes as
// they are (the part of the first file before the rdb.index offset).
func (c *copier) open(i int, prefix int64) error {
	if i < 0 {
		return fmt.Errorf("start file is not in %s", aofbinlog.IndexName)
	}
	fi := c.files[i]
	f, err := c.out.create(c.out.fsys, fi.Name)
	if err != nil {
		return err
	}
	c.cur, c.f, c.size = i, f, 0
	c.first, c.ts, c.last = 0, 0, 0
	if prefix > 0 {
		if err := copyRange(f, c.src, fi.Name, 0, prefix, nil); err != nil {
			return err
		}
		c.size = prefix
		c.first, c.ts, c.last = fi.FirstOpID, fi.FirstTsMs, -1
		if prefix == fi.Size {
			c.last = fi.LastOpID // else known once an entry after the prefix is copied
		}
	}
	return nil
}

// close finishes the current file; live means it is the last one.
func (c *copier) close(live bool) error {
	fi := c.files[c.cur]
	if !live && c.size != fi.Size {
		return fmt.Errorf("aof %s: copied %d bytes, the file has %d", fi.Name, c.size, fi.Size)
	}
	if err := c.f.Sync(); err != nil {
		c.f.Close()
		return fmt.Errorf("aof %s: fsync: %w", fi.Name, err)
	}
	if err := c.f.Close(); err != nil {
		return err
	}
	c.f = nil
	line := aofbinlog.IndexLine{Name: fi.Name, LastOpID: -1}
	if !live && c.last >= 0 {
		line = aofbinlog.IndexLine{Name: fi.Name, Known: true, FirstOpID: c.first, FirstTsMs: c.ts, LastOpID: c.last}
	}
	c.lines = append(c.lines, line)
	return nil
}

// advance moves to file j, creating the (empty) files before it.
func (c *copier) advance(j int) error {
	if j < c.cur {
		return fmt.Errorf("the reader went back to file %d of %s from file %d", j+1, aofbinlog.IndexName, c.cur+1)
	}
	for c.cur < j {
		if err := c.close(false); err != nil {
			return err
		}
		if err := c.open(c.cur+1, 0); err != nil {
			return err
		}
	}
	return nil
}

func (c *copier) entry(rec aofbinlog.Record) error {
	if err := c.advance(c.index(rec.File)); err != nil {
		return err
	}
	if rec.Offset != c.size {
		return fmt.Errorf("aof %s: entry at offset %d, expected %d", rec.File, rec.Offset, c.size)
	}
	if _, err := c.f.Write(rec.Raw); err != nil {
		return fmt.Errorf("aof %s: write: %w", rec.File, err)
	}
	h := rec.Entry.Header
	if c.size == 0 {
		c.first, c.ts = h.OpID, h.TimeMs()
	}
	c.size += int64(len(rec.Raw))
	c.last = h.OpID
	return nil
}

// finish brings the copy to end, where walk stopped, and closes the last
// file, which becomes the live one. A stop at the start of a later file
// needs nothing of it (nor of the empty files before it).
func (c *copier) finish(end aofbinlog.Pos) error {
	if j := c.index(end.File); j > c.cur && end.Offset == 0 {
		end = aofbinlog.Pos{File: c.files[c.cur].Name, Offset: c.files[c.cur].Size}
	} else if err := c.advance(j); err != nil {
		return err
	}
	if c.size != end.Offset {
		return fmt.Errorf("aof %s: copied up to %d, the stop is at %d", end.File, c.size, end.Offset)
	}
	return c.close(true)
}

func (c *copier) abort() {
	if c.f != nil {
		c.f.Close()
	}
}

// checkRestored opens the new directory the way the node will and checks
// that its load yields exactly the n entries restored, the last being
// last.
func checkRestored(fsys *osenv.FS, p plan, n, last int64) error {
	l, err := aofbinlog.Open(fsys, aofbinlog.Options{ReadOnly: true, Verify: true})
	if err != nil {
		return err
	}
	defer l.Close()
	if r, torn := l.Repaired(); torn {
		return fmt.Errorf("aof %s: stray bytes after offset %d", r.File, r.Offset)
	}
	idx, has := l.RDBIndex()
	switch {
	case has != (p.snap != nil):
		return fmt.Errorf("%s present: %v, want %v", aofbinlog.RDBIndexName, has, p.snap != nil)
	case has && (idx.RDB != p.snap.RDB || idx.AOF != p.snap.AOF || idx.Offset != p.snap.Offset || idx.NextOpID != p.snap.NextOpID):
		return fmt.Errorf("%s reads back as %+v, want %+v", aofbinlog.RDBIndexName, idx, *p.snap)
	}
	ld, err := l.Load(aofbinlog.Stop{})
	if err != nil {
		return err
	}
	defer ld.Close()
	var got int64
	for {
		_, err := ld.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		got++
	}
	if got != n || (n > 0 && ld.LastOpID() != last) {
		return fmt.Errorf("load yields %d entries up to op id %d, want %d up to %d", got, ld.LastOpID(), n, last)
	}
	return nil
}
