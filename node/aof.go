package node

import (
	"fmt"
	"strconv"

	"opdis/aofbinlog"
	"opdis/wire"
)

// The node's side of the AOF binlog (DESIGN §4): appending entries under
// the fsync policy, the write barrier before replies, splits, purges and
// the AOFFLUSH / PURGEAOFTO commands. The files themselves are package
// aofbinlog's.

// aofState is the open binlog, when appendonly is on.
type aofState struct {
	log      *aofbinlog.Log
	policy   aofbinlog.FsyncPolicy
	unsynced bool  // appendfsync always: entries wait for an fsync before replies leave
	err      error // the last write or fsync failure (aof_last_write_status)
	written  int64 // bytes appended since the last snapshot began (auto-snapshot-aof-size)
	splits   int64
	// fsyncedOff is the replication offset the AOF held fsynced when last
	// seen all synced (fsyncedOffset, waitaof.go).
	fsyncedOff int64
}

// aofOn reports whether entries go to an AOF.
func (n *Node) aofOn() bool { return n.aof.log != nil }

// aofAppend writes one entry to the AOF (buffered until aofBarrier).
func (n *Node) aofAppend(entry []byte, h wire.Header) {
	if n.aof.log == nil || n.bug("lose-aof-entry") {
		return
	}
	if err := n.aof.log.Append(entry, h); err != nil {
		n.aofFailed(err)
		return
	}
	n.aof.written += int64(len(entry))
	n.aof.unsynced = n.aof.policy == aofbinlog.FsyncAlways
}

// aofBarrier runs before any reply leaves the node, as Redis's
// beforeSleep flushes aof_buf before writing to clients: buffered entries
// are written, and with appendfsync always fsynced, so no write is
// acknowledged before it is on disk (group commit: one fsync for every
// write of the batch).
func (n *Node) aofBarrier() {
	l := n.aof.log
	if l == nil || (l.Buffered() == 0 && !n.aof.unsynced && n.aof.err == nil) {
		return
	}
	var err error
	if n.aof.unsynced && n.bug("ack-before-fsync") {
		n.aof.unsynced = false
	}
	if n.aof.unsynced {
		err = l.Sync()
		n.aof.unsynced = false
	} else {
		err = l.Flush()
	}
	if err != nil {
		n.aofFailed(err)
		return
	}
	if n.aof.err != nil {
		n.logf(LogWarning, "AOF write error looks solved, opdis can write again.")
		n.aof.err = nil
	}
}

// aofFailed records a failed AOF write. Writes are refused from then on
// (MISCONF); under appendfsync always the node cannot keep its promise and
// reports a fatal error, as Redis exits. So does a replica: it must apply
// its master's stream, and would acknowledge (REPLCONF ACK, so WAIT)
// entries its AOF never got, which a kill then loses; Redis 7's replica
// panics too ("Replica was unable to write command to disk",
// repl-ignore-disk-write-error no). The restart reloads what the disk
// holds and resumes from there.
func (n *Node) aofFailed(err error) {
	if n.aof.err == nil {
		n.logf(LogWarning, "Error writing to the AOF file: %v", err)
	}
	n.aof.err = err
	switch {
	case n.fatal != nil:
	case n.aof.policy == aofbinlog.FsyncAlways:
		n.fatal = fmt.Errorf("can't recover from AOF write error when the AOF fsync policy is 'always': %w", err)
	case n.isReplica():
		n.fatal = fmt.Errorf("replica was unable to write command to disk: %w", err)
	}
}

// aofErr is the AOF error that refuses writes: the last failed write or
// fsync, or the log's own sticky error. A split, purge or index update
// that poisons the log does not go through aofFailed, and a write let in
// then is applied (and replicated) but never logged.
func (n *Node) aofErr() error {
	if n.aof.err != nil || n.aof.log == nil {
		return n.aof.err
	}
	return n.aof.log.Err()
}

// aofCron is the AOF's share of the cron: write out and fsync under
// everysec, split at aof-max-size, purge to aof-keep-size, and start the
// snapshot that replaces AOF rewrite.
func (n *Node) aofCron() {
	l := n.aof.log
	if l == nil || l.Err() != nil {
		return
	}
	n.aofBarrier()
	if err := l.SyncIfDue(n.monotonic().Milliseconds()); err != nil { // not wall time: a clock stepped back must not stall fsyncs
		n.aofFailed(err)
		return
	}
	n.fsyncedOffset() // note how far the fsync reached (FACK)
	if _, size := l.LiveFile(); size >= n.cfg.AOFMaxSize {
		n.aofSplit(true)
	}
	if n.cfg.AutoSnapshotSize > 0 && n.aof.written >= n.cfg.AutoSnapshotSize && n.snap == nil {
		n.logf(LogNotice, "Starting automatic snapshot: %d AOF bytes since the last one", n.aof.written)
		n.startSnapshot(false)
	}
}

// aofSplit starts a new AOF file, then (purge) applies aof-keep-size.
func (n *Node) aofSplit(purge bool) error {
	l := n.aof.log
	n.aofBarrier()
	name, err := l.Split(n.nowMs() / 1000)
	if err != nil {
		n.logf(LogWarning, "AOF split failed: %v", err)
		return err
	}
	n.aof.splits++
	n.logf(LogVerbose, "AOF split: now writing %s", name)
	if purge && n.cfg.AutoPurgeAOF {
		gone, err := l.PurgeToSize(n.cfg.AOFKeepSize, n.opdelGuard())
		n.logPurge(gone, err)
	}
	return nil
}

func (n *Node) logPurge(gone []string, err error) {
	for _, name := range gone {
		n.logf(LogNotice, "AOF purge: removed %s", name)
	}
	if err != nil {
		n.logf(LogWarning, "AOF purge: %v", err)
	}
}

// closeAOF writes, fsyncs and closes the binlog (SHUTDOWN, appendonly no).
func (n *Node) closeAOF() error {
	l := n.aof.log
	if l == nil {
		return nil
	}
	n.aofBarrier()
	n.abortAOFStreams("the AOF was closed")
	n.aof.log = nil
	n.aof.unsynced = false
	return l.Close()
}

// Close flushes and closes the node's files. The server calls it on exit.
func (n *Node) Close() error {
	n.abortSnapshot("the server is shutting down")
	if err := n.closeAOF(); err != nil {
		return err
	}
	return n.saveReplState() // the files are complete: the state matches them
}

// Fatal returns an error the node cannot recover from (an AOF fsync
// failure under appendfsync always): the server must exit without sending
// the pending replies.
func (n *Node) Fatal() error { return n.fatal }

// oplogCommands are opdis's (ApsaraCache's) own commands, not Redis's.
func oplogCommands() []*Command {
	return []*Command{
		{Name: "aofflush", Arity: 1, Flags: FlagAdmin | FlagNoScript, Fn: aofflushCmd},
		{Name: "purgeaofto", Arity: 2, Flags: FlagAdmin | FlagNoScript, Fn: purgeaoftoCmd},
		// Redis 7.2's, so not in the 7.0 table the replication family is checked against.
		{Name: "waitaof", Arity: 4, Flags: FlagNoScript, Fn: waitaofCmd},
	}
}

// aofflushCmd is AOFFLUSH: start a new AOF file now, then purge.
func aofflushCmd(n *Node, c *Client, args [][]byte) {
	if !n.aofOn() {
		c.addError("ERR Aof is not open while doing aof flush")
		return
	}
	if err := n.aofSplit(true); err != nil {
		c.addError("ERR redis open new aof or aof index file failed, try again")
		return
	}
	c.addOK()
}

// purgeaoftoCmd is PURGEAOFTO <aof file | opid>: remove the oldest AOF
// files up to and including the named one, or every file whose entries
// all precede the op id, within the purge guards (the snapshot's file, the
// live file, files being read). It replies how many files were removed.
func purgeaoftoCmd(n *Node, c *Client, args [][]byte) {
	l := n.aof.log
	if l == nil {
		c.addError("ERR Aof is not open while doing purge")
		return
	}
	target := string(args[1])
	if opid, err := strconv.ParseInt(target, 10, 64); err == nil {
		target = ""
		for _, f := range l.Files() {
			if f.Live || (f.FirstOpID > 0 && f.LastOpID >= opid) || (f.FirstOpID > 0 && f.LastOpID < 0) {
				break
			}
			target = f.Name
		}
		if target == "" {
			c.addInt(0)
			return
		}
	}
	gone, err := l.Purge(target, n.opdelGuard())
	n.logPurge(gone, err)
	if err != nil && len(gone) == 0 {
		c.addError(fmt.Sprintf("ERR purge aof to %s failed: %v", args[1], err))
		return
	}
	c.addInt(int64(len(gone)))
}

// setAppendOnly is CONFIG SET appendonly: turning it on opens the binlog
// and snapshots at once (so a restart has a base for the new files:
// ApsaraCache's defect 15), turning it off closes it.
func (n *Node) setAppendOnly(on bool) error {
	if on == n.aofOn() {
		return nil
	}
	if !on {
		return n.closeAOF()
	}
	if n.env.FS == nil {
		return fmt.Errorf("no data directory")
	}
	if err := n.openAOF(); err != nil {
		return err
	}
	n.startSnapshot(false)
	return nil
}

// openAOF opens the binlog for appending from now on (no loading) and
// starts a new file.
func (n *Node) openAOF() error {
	l, err := aofbinlog.Open(n.env.FS, n.aofOptions())
	if err != nil {
		return err
	}
	if last := l.LastOpID(); last >= n.op.nextOpID {
		n.op.nextOpID = last + 1
	}
	n.aof = aofState{log: l, policy: n.aofPolicy()}
	return n.aofSplit(false)
}

func (n *Node) aofPolicy() aofbinlog.FsyncPolicy {
	p, _ := aofbinlog.ParseFsyncPolicy(n.cfg.AppendFsync)
	return p
}

func (n *Node) aofOptions() aofbinlog.Options {
	return aofbinlog.Options{Fsync: n.aofPolicy(), Buffered: true, RefuseTornTail: !n.cfg.AOFLoadTruncated}
}
