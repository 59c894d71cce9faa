package main

// dump and find: entries as text.

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"opdis/aofbinlog"
	"opdis/wire"
)

var dumpCmd = &command{
	name: "dump", args: "[--from OPID] [--to OPID] [--db N] [--raw] DIR", nargs: 1,
	summary: "print the log's entries, one per line",
	help: `
Prints every entry of the log in DIR (all files of aof-inc.index, oldest
first), one line each:

  <opid> <time> db=<db> sid=<server id> epoch=<epoch> [src=<src opid>] [flags=expire|evict] <command>

time is the entry's timestamp in RFC 3339 UTC with milliseconds (version-1
entries have whole seconds); epoch is 0 for version-1 entries; src= is shown
for entries applied through OPAPPLY (src_opid >= 0). Arguments are quoted
like redis-cli ("set" "k" "v", with \xHH escapes). An entry holding several
commands (a transaction MULTI ... EXEC, or SET + PEXPIREAT) prints them on
the same line separated by " ; ". A lone header prints "(lone header)".

--from starts at that op id through the index lookup (no scan); --to stops
after it. --db keeps the entries of that db (a transaction also matches
when it SELECTs the db). --raw writes the entries' exact bytes (opinfo
included) instead of text, e.g. to cut a range out of a log.`,
	setup: func(fs *flag.FlagSet) func(*cmdEnv, []string) error {
		from := fs.Int64("from", 0, "first op id to print")
		to := fs.Int64("to", 0, "last op id to print")
		db := fs.Int("db", -1, "only entries of this db")
		raw := fs.Bool("raw", false, "write the entries' bytes, not text")
		return func(env *cmdEnv, args []string) error {
			if *from < 0 || *to < 0 {
				return usagef("--from and --to must be op ids (>= 1)")
			}
			return dump(env, args[0], *from, *to, *db, *raw)
		}
	},
}

func dump(env *cmdEnv, dir string, from, to int64, db int, raw bool) error {
	l, _, err := openSource(dir, false)
	if err != nil {
		return err
	}
	defer l.Close()
	files := l.Files()
	if len(files) == 0 {
		fmt.Fprintf(env.stderr, "opdis-aof dump: %s has no AOF files\n", dir)
		return nil
	}
	var r *aofbinlog.Reader
	if from > l.MinOpID() {
		r, err = l.NewReader(from)
	} else {
		r, err = l.NewReaderAt(aofbinlog.Pos{File: files[0].Name})
	}
	if err != nil {
		return err
	}
	defer r.Close()
	out := bufio.NewWriterSize(env.stdout, 64<<10)
	prog := newProgress(env, "dump", l.TotalSize())
	var line []byte
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			out.Flush()
			return err
		}
		prog.add(int64(len(rec.Raw)), 1)
		h := rec.Entry.Header
		if to > 0 && h.OpID > to {
			break
		}
		if db >= 0 && !inDB(rec.Entry, db) {
			continue
		}
		if raw {
			_, err = out.Write(rec.Raw)
		} else {
			line = append(appendEntry(line[:0], rec.Entry), '\n')
			_, err = out.Write(line)
		}
		if err != nil {
			return err
		}
	}
	prog.done()
	return out.Flush()
}

// inDB reports whether entry e writes to db: its header's db, or a SELECT
// inside a transaction.
func inDB(e wire.Entry, db int) bool {
	if int(e.Header.DB) == db {
		return true
	}
	for _, c := range e.Commands {
		if n, ok := selectDB(c); ok && n == int64(db) {
			return true
		}
	}
	return false
}

// selectDB returns the db of a SELECT command.
func selectDB(c [][]byte) (int64, bool) {
	if len(c) != 2 || !bytes.EqualFold(c[0], []byte("select")) {
		return 0, false
	}
	return wire.ParseInt(c[1])
}

// appendEntry renders one entry as dump prints it.
func appendEntry(b []byte, e wire.Entry) []byte {
	h := e.Header
	b = strconv.AppendInt(b, h.OpID, 10)
	b = append(b, ' ')
	b = append(b, fmtTime(h.TimeMs())...)
	b = fmt.Appendf(b, " db=%d sid=%d epoch=%d", h.DB, h.ServerID, h.Epoch)
	if h.SrcOpID >= 0 {
		b = fmt.Appendf(b, " src=%d", h.SrcOpID)
	}
	if f := flagNames(h.CmdFlag); f != "" {
		b = append(b, " flags="...)
		b = append(b, f...)
	}
	if len(e.Commands) == 0 {
		return append(b, " (lone header)"...)
	}
	for i, c := range e.Commands {
		if i > 0 {
			b = append(b, " ;"...)
		}
		for _, a := range c {
			b = append(b, ' ')
			b = append(b, wire.Repr(string(a))...)
		}
	}
	return b
}

func flagNames(f uint8) string {
	var s string
	add := func(name string) {
		if s != "" {
			s += ","
		}
		s += name
	}
	if f&wire.FlagDelByExpire != 0 {
		add("expire")
	}
	if f&wire.FlagDelByEviction != 0 {
		add("evict")
	}
	if rest := f &^ (wire.FlagDelByExpire | wire.FlagDelByEviction); rest != 0 {
		add(fmt.Sprintf("0x%x", rest))
	}
	return s
}

var findCmd = &command{
	name: "find", args: "OPID DIR", nargs: 2,
	summary: "print the file and byte offset of an op id",
	help: `
Finds op id OPID in the log in DIR through the index (a binary search over
the files, then the file's sparse index: no scan of the log) and prints

  <file> <offset>
  <the entry, as dump prints it>

Exits 1, saying which op ids the log holds, when OPID is not in the log.`,
	setup: func(fs *flag.FlagSet) func(*cmdEnv, []string) error {
		return func(env *cmdEnv, args []string) error {
			opid, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || opid < 1 {
				return usagef("op id %q: want a positive integer", args[0])
			}
			return find(env, args[1], opid)
		}
	},
}

func find(env *cmdEnv, dir string, opid int64) error {
	l, _, err := openSource(dir, false)
	if err != nil {
		return err
	}
	defer l.Close()
	pos, found, err := l.Lookup(opid)
	if err != nil {
		return err
	}
	if !found {
		if l.LastOpID() == 0 {
			return fmt.Errorf("op id %d is not in the log: the log holds no entries", opid)
		}
		return fmt.Errorf("op id %d is not in the log: the log holds op ids %d to %d", opid, l.MinOpID(), l.LastOpID())
	}
	r, err := l.NewReaderAt(pos)
	if err != nil {
		return err
	}
	defer r.Close()
	rec, err := r.Next()
	if err != nil {
		return fmt.Errorf("aof %s offset %d: %w", pos.File, pos.Offset, err)
	}
	fmt.Fprintf(env.stdout, "%s %d\n%s\n", pos.File, pos.Offset, appendEntry(nil, rec.Entry))
	return nil
}
