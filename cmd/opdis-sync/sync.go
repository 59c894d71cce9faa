package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"time"

	"opdis/oplogsync"
	"opdis/wire"
)

// link copies one group's own writes into another: OPGET on `from` (only
// entries whose server id is from's, so what came from `to` goes no
// further), OPAPPLY on `to`.
//
// The position is never kept here. It is the destination's applied op id
// for the source's server id (INFO oplog), which the destination records
// in the same entry that applies the write, so a restart of this tool at
// any moment resumes exactly: nothing applied is sent again (and if it
// were, the destination would answer +IGNORED), nothing is skipped. The
// tool registers with OPDEL on the source where a new session would start
// (oplogsync.Keep: after the last entry applied, not after the last one
// read, which may be far past it when the source's tail is the other
// group's writes), so that its AOF keeps what is still to be copied. A
// session that finds its start purged all the same (before this link's
// first registration) logs the gap, counts it, and goes on from the
// source's oldest entry.
type link struct {
	from, to string
	name     string // the OPDEL source name on `from`
	password string
	poll     time.Duration
	count    int
	timeout  time.Duration
	log      *log.Logger

	// copied counts the entries applied (tests, the log line), gaps the
	// sessions that found their start purged.
	copied, gaps int64
}

const opdelRefresh = time.Minute // re-register even when idle, well within opdel-source-timeout

// run copies until ctx ends, reconnecting after failures.
func (l *link) run(ctx context.Context) {
	for ctx.Err() == nil {
		err := l.session(ctx)
		if ctx.Err() != nil {
			return
		}
		l.log.Printf("%s -> %s: %v; retrying", l.from, l.to, err)
		sleep(ctx, max(l.poll*10, time.Second))
	}
}

// session is one connection to both sides.
func (l *link) session(ctx context.Context) error {
	src, err := dial(l.from, l.password, l.timeout)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := dial(l.to, l.password, l.timeout)
	if err != nil {
		return err
	}
	defer dst.Close()
	apply, err := dial(l.to, l.password, l.timeout)
	if err != nil {
		return err
	}
	defer apply.Close()

	sid, err := src.configInt("server-id")
	if err != nil {
		return err
	}
	did, err := dst.configInt("server-id")
	if err != nil {
		return err
	}
	if sid == did {
		return fmt.Errorf("both sides have server-id %d: two groups synced both ways need their own server-ids", sid)
	}
	if _, err := apply.ok("OPAPPLY"); err != nil {
		return err
	}
	pos, di, err := l.start(src, dst, sid)
	if err != nil {
		return err
	}
	l.log.Printf("%s (server-id %d) -> %s (server-id %d): from op id %d", l.from, sid, l.to, did, pos)
	var registered int64
	var lastDel time.Time
	for ctx.Err() == nil {
		if keep := oplogsync.Keep(pos, di, sid); keep != registered || time.Since(lastDel) > opdelRefresh {
			if _, err := src.ok("OPDEL", l.name, strconv.FormatInt(keep, 10)); err != nil {
				return err
			}
			registered, lastDel = keep, time.Now()
		}
		next, entries, err := opget(src, pos, l.count, sid)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			if di, err = l.apply(apply, dst, entries); err != nil {
				return err
			}
			applied := di.Applied[sid]
			if last := entryOpID(entries[len(entries)-1]); applied < last {
				// Something was refused (READONLY, NOREPLICAS …): go on
				// from what the destination has, later.
				pos = applied + 1
				sleep(ctx, max(l.poll, time.Second))
				continue
			}
		}
		pos = next
		if len(entries) == 0 {
			sleep(ctx, l.poll)
		}
	}
	return nil
}

// start is where copying begins (oplogsync.Start), with the destination's
// INFO oplog.
func (l *link) start(src, dst *conn, sid int64) (int64, oplogsync.Info, error) {
	di, err := dst.oplogInfo()
	if err != nil {
		return 0, di, err
	}
	si, err := src.oplogInfo()
	if err != nil {
		return 0, di, err
	}
	pos, gap := oplogsync.Start(di, si, sid, l.name)
	if gap != nil {
		l.gaps++
		l.log.Printf("%s -> %s: GAP: %v", l.from, l.to, gap)
	}
	return pos, di, nil
}

// opget reads the next entries of the source's own writes.
func opget(src *conn, pos int64, count int, sid int64) (int64, [][]byte, error) {
	v, err := src.ok("OPGET", strconv.FormatInt(pos, 10), "COUNT", strconv.Itoa(count), "MATCHID", strconv.FormatInt(sid, 10))
	if err != nil {
		return 0, nil, err
	}
	if v.Kind != wire.Array || len(v.Elems) != 2 || v.Elems[1].Kind != wire.Array {
		return 0, nil, fmt.Errorf("%s: OPGET reply %s", src.addr, v)
	}
	next, err := strconv.ParseInt(v.Elems[0].Str, 10, 64)
	if err != nil || next < pos {
		return 0, nil, fmt.Errorf("%s: OPGET next op id %q after %d", src.addr, v.Elems[0].Str, pos)
	}
	entries := make([][]byte, len(v.Elems[1].Elems))
	for i, e := range v.Elems[1].Elems {
		entries[i] = []byte(e.Str)
	}
	return next, entries, nil
}

// apply sends entries on the OPAPPLY connection (pipelined), reads one
// reply per command, and returns the destination's INFO oplog afterwards.
func (l *link) apply(apply, dst *conn, entries [][]byte) (oplogsync.Info, error) {
	var out []byte
	replies := 0
	for _, raw := range entries {
		e, n, err := wire.ParseEntry(raw, true)
		if err != nil || n != len(raw) || e.Partial() {
			return oplogsync.Info{}, fmt.Errorf("%s: OPGET returned a malformed entry (%d of %d bytes parsed): %v", l.from, n, len(raw), err)
		}
		out = append(out, raw...)
		replies += 1 + len(e.Commands)
	}
	if err := apply.write(out); err != nil {
		return oplogsync.Info{}, err
	}
	for i := 0; i < replies; i++ {
		v, err := apply.read()
		if err != nil {
			return oplogsync.Info{}, err
		}
		if v.Kind == wire.Error {
			l.log.Printf("%s -> %s: %s", l.from, l.to, v.Str)
		}
	}
	info, err := dst.oplogInfo()
	if err != nil {
		return info, err
	}
	l.copied += int64(len(entries))
	return info, nil
}

func entryOpID(raw []byte) int64 {
	e, _, _ := wire.ParseEntry(raw, true)
	return e.Header.OpID
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
