package aofbinlog_test

import (
	"errors"
	"syscall"
	"testing"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
)

// Buffered appends reach the file only on Flush (one write), are visible
// to readers at once, and under FsyncAlways wait for the caller's Sync.
func TestBufferedAppend(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways, Buffered: true, CheckEntries: true})
	name := split(t, l, 100)
	before := fs.Stats().Writes
	appendN(t, l, 1, 10)
	if got := fs.Stats().Writes - before; got != 0 {
		t.Fatalf("%d writes before Flush", got)
	}
	if size, _ := fs.Stat(name); size != 0 {
		t.Fatalf("file has %d bytes before Flush", size)
	}
	if l.Buffered() == 0 {
		t.Fatal("Buffered() = 0 with ten entries appended")
	}
	if l.SyncedOpID() != 0 {
		t.Fatalf("SyncedOpID %d before Sync (group commit)", l.SyncedOpID())
	}
	// A reader sees the buffered entries.
	if got := readFrom(t, l, 1); len(got) != 10 {
		t.Fatalf("reader got %v", got)
	}
	appendN(t, l, 11, 20)
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := fs.Stats().Writes - before; got != 2 { // the reader's flush and this one
		t.Fatalf("%d writes, want 2", got)
	}
	// A crash now loses the unsynced entries; Sync makes them durable.
	crashed := fs.Clone()
	crashed.CrashClean()
	if got := reopenOps(t, crashed); len(got) != 0 {
		t.Fatalf("crash before Sync kept %v", got)
	}
	if err := l.Sync(); err != nil {
		t.Fatal(err)
	}
	if l.SyncedOpID() != 20 || l.Buffered() != 0 {
		t.Fatalf("after Sync: synced %d, buffered %d", l.SyncedOpID(), l.Buffered())
	}
	fs.CrashClean()
	if got := reopenOps(t, fs); len(got) != 20 {
		t.Fatalf("crash after Sync kept %d entries", len(got))
	}
}

// A failed write is rolled back and retried by the next Flush, as Redis
// retries aof_buf: nothing is lost and the log stays usable.
func TestBufferedFlushFailureRetries(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncEverySec, Buffered: true})
	name := split(t, l, 100)
	appendN(t, l, 1, 3)
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	size, _ := fs.Stat(name)
	appendN(t, l, 4, 6)
	fs.Inject(simfs.Fault{Op: simfs.OpWrite, Count: 1, Err: syscall.ENOSPC, Short: true})
	if err := l.Flush(); !errors.Is(err, syscall.ENOSPC) || l.Err() != nil {
		t.Fatalf("Flush on a full disk: %v (sticky %v)", err, l.Err())
	}
	if now, _ := fs.Stat(name); now != size {
		t.Fatalf("the failed write left %d bytes behind", now-size)
	}
	appendN(t, l, 7, 8)
	if err := l.Sync(); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := readFrom(t, l, 1); len(got) != 8 {
		t.Fatalf("after the retry the log holds %v", got)
	}
	l.Close()
	if got := reopenOps(t, fs); len(got) != 8 {
		t.Fatalf("reopen found %v", got)
	}
}

func reopenOps(t *testing.T, fs aofbinlog.FS) []int64 {
	t.Helper()
	l := open(t, fs, aofbinlog.Options{})
	defer l.Close()
	ops, _ := loadAll(t, l, aofbinlog.Stop{})
	return ops
}
