package main

// export-redis: a data directory a stock Redis 7.0 loads.

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"strconv"

	"opdis/aofbinlog"
	"opdis/wire"
)

// Redis 7.0's multi-part AOF names (appenddirname and appendfilename at
// their defaults), as redis-server 7.0.15 writes them.
const (
	redisAOFDir   = "appendonlydir"
	redisManifest = "appendonly.aof.manifest"
	redisBase     = "appendonly.aof.1.base.rdb"
	redisIncr     = "appendonly.aof.1.incr.aof"
)

var exportCmd = &command{
	name: "export-redis", args: "--from DIR --into NEWDIR [--to TARGET]", nargs: 0,
	summary: "write a data dir that a stock redis-server 7.0 loads",
	help: `
Writes NEWDIR/appendonlydir in Redis 7.0's multi-part AOF layout, holding
the state of DIR (at TARGET, as for restore, or at the end of the log):

  appendonly.aof.manifest      the manifest, written last (atomically)
  appendonly.aof.1.base.rdb    the opdis snapshot (RDB v10) as it is; absent
                               when the state is rebuilt from op id 1
  appendonly.aof.1.incr.aof    the entries after it as plain commands: the
                               opinfo headers dropped, SELECT n written
                               whenever the db changes, transactions kept
                               as MULTI ... EXEC, lone headers skipped

Start Redis on it with:

  redis-server --dir NEWDIR --appendonly yes

(appenddirname and appendfilename must be left at their defaults.)
NEWDIR must not exist or be empty; DIR is not modified.`,
	setup: func(fs *flag.FlagSet) func(*cmdEnv, []string) error {
		from := fs.String("from", "", "source data directory (required)")
		into := fs.String("into", "", "new directory to create (required)")
		to := fs.String("to", "", "state at opid:N or an RFC 3339 time (default: the end of the log)")
		return func(env *cmdEnv, _ []string) error {
			if *from == "" || *into == "" {
				return usagef("--from and --into are required")
			}
			var t target
			if *to != "" {
				var err error
				if t, err = parseTarget(*to); err != nil {
					return usageError{err}
				}
			}
			return exportRedis(env, *from, *into, t)
		}
	},
}

func exportRedis(env *cmdEnv, from, into string, to target) error {
	j, err := startJob(env, "export-redis", from, into, to)
	if err != nil {
		return err
	}
	defer j.close()
	l, src, p, out, prog := j.l, j.src, j.p, j.out, j.prog
	dst, err := out.sub(redisAOFDir)
	if err != nil {
		return err
	}
	manifest := ""
	if p.snap != nil {
		if _, err := out.copyFile(dst, redisBase, src, p.snap.RDB, nil); err != nil {
			return fmt.Errorf("snapshot: %w", err)
		}
		manifest += "file " + redisBase + " seq 1 type b\n"
	}
	f, err := out.create(dst, redisIncr)
	if err != nil {
		return err
	}
	defer f.Close()
	w := &redisWriter{w: bufio.NewWriterSize(f, 1<<20), db: -1}
	_, n, err := walk(l, p, to, prog, w.entry)
	if err == nil {
		err = w.w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", redisIncr, err)
	}
	manifest += "file " + redisIncr + " seq 1 type i\n"
	if err := dst.SyncDir(); err != nil {
		return err
	}
	out.track(dst, redisManifest)
	if err := aofbinlog.WriteFileAtomic(dst, redisManifest, []byte(manifest)); err != nil {
		return err
	}
	prog.done()
	out.keep = true
	fmt.Fprintf(env.stdout, "exported %s at %s into %s: %s; %d entries as %d commands\nstart it with: redis-server --dir %s --appendonly yes\n",
		from, to, into, p.describe(), n, w.commands, into)
	return nil
}

// redisWriter turns entries into the commands of a Redis AOF.
type redisWriter struct {
	w        *bufio.Writer
	db       int64 // the db the commands written so far leave selected; -1 none
	buf      []byte
	commands int64
}

var selectName = []byte("SELECT")

func (rw *redisWriter) entry(rec aofbinlog.Record) error {
	e := rec.Entry
	if len(e.Commands) == 0 {
		return nil // a lone header: no command
	}
	rw.buf = rw.buf[:0]
	if db := int64(e.Header.DB); db != rw.db {
		rw.buf = wire.AppendCommand(rw.buf, selectName, strconv.AppendInt(nil, db, 10))
		rw.db = db
	}
	for _, c := range e.Commands {
		if len(c) > 0 && bytes.EqualFold(c[0], selectName) {
			// A SELECT inside a transaction: the db it leaves selected.
			n, ok := selectDB(c)
			if !ok {
				return fmt.Errorf("aof %s offset %d: op id %d: bad SELECT %q", rec.File, rec.Offset, e.Header.OpID, c[1:])
			}
			rw.db = n
		}
		rw.buf = wire.AppendCommand(rw.buf, c...)
		rw.commands++
	}
	_, err := rw.w.Write(rw.buf)
	return err
}
