package aofbinlog_test

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

// A 1 GiB log on simfs: 64 MiB files, ~1 KiB entries. OPDIS_BENCH_LOG_MB
// sets another total (the multi-GB lookup figure).
const bigFile = 64 << 20

var bigTotal = func() int64 {
	if mb, err := strconv.Atoi(os.Getenv("OPDIS_BENCH_LOG_MB")); err == nil && mb > 0 {
		return int64(mb) << 20
	}
	return 1 << 30
}()

var big struct {
	once sync.Once
	fs   *simfs.FS
	log  *aofbinlog.Log // the Log that wrote it: every file has its marks
	last int64
}

func bigLog(b *testing.B) (*simfs.FS, *aofbinlog.Log, int64) {
	big.once.Do(func() {
		fs := simfs.New()
		l, err := aofbinlog.Open(fs, aofbinlog.Options{Fsync: aofbinlog.FsyncNo})
		if err != nil {
			b.Fatal(err)
		}
		val := []byte(strings.Repeat("x", 1000))
		var buf []byte
		now := int64(1)
		l.Split(now)
		for op := int64(1); l.TotalSize() < bigTotal; op++ {
			if _, size := l.LiveFile(); size >= bigFile {
				now++
				l.Split(now)
			}
			h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, Timestamp: int32(op / 1000), OpID: op, SrcOpID: -1, Epoch: 1, TimestampMs: op}
			buf = wire.AppendEntry(buf[:0], h, [][]byte{[]byte("set"), []byte("key"), val})
			if err := l.Append(buf, h); err != nil {
				b.Fatal(err)
			}
			big.last = op
		}
		l.Sync()
		big.fs, big.log = fs, l
		runtime.GC()
		for op := int64(1); op < big.last; op += big.last / 5000 { // settle the heap
			l.Lookup(op)
		}
		runtime.GC()
	})
	return big.fs, big.log, big.last
}

// BenchmarkLookup: a random op id in a 1 GiB log whose files all have
// their sparse index (the steady state of a running node).
func BenchmarkLookup(b *testing.B) {
	_, l, last := bigLog(b)
	r := rand.New(rand.NewPCG(1, 2))
	b.ResetTimer()
	for b.Loop() {
		op := 1 + r.Int64N(last)
		if _, found, err := l.Lookup(op); err != nil || !found {
			b.Fatal(op, err)
		}
	}
}

// BenchmarkLookupHeaderOf: the log-matching check of a psync (find the
// entry and decode its header).
func BenchmarkLookupHeaderOf(b *testing.B) {
	_, l, last := bigLog(b)
	r := rand.New(rand.NewPCG(3, 4))
	b.ResetTimer()
	for b.Loop() {
		op := 1 + r.Int64N(last)
		if h, ok, err := l.HeaderOf(op); err != nil || !ok || h.OpID != op {
			b.Fatal(op, err)
		}
	}
}

// BenchmarkLookupCold: the first lookup in a file nobody has read since
// Open: it scans the file from its start up to the op id (the worst
// case, an op id near the end of a 64 MiB file).
func BenchmarkLookupCold(b *testing.B) {
	fs, _, _ := bigLog(b)
	for b.Loop() {
		b.StopTimer()
		l, err := aofbinlog.Open(fs, aofbinlog.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		target := l.Files()[1].LastOpID
		b.StartTimer()
		if _, found, err := l.Lookup(target); err != nil || !found {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen: Open reads only the index and the last file.
func BenchmarkOpen(b *testing.B) {
	fs, _, _ := bigLog(b)
	for b.Loop() {
		if _, err := aofbinlog.Open(fs, aofbinlog.Options{ReadOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan: reading every entry of the 1 GiB log (Verify, or a
// Reader from the first op id), in bytes per second.
func BenchmarkScan(b *testing.B) {
	fs, l0, _ := bigLog(b)
	b.SetBytes(l0.TotalSize())
	for b.Loop() {
		l, err := aofbinlog.Open(fs, aofbinlog.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		r, err := l.NewReader(1)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
}

func benchAppend(b *testing.B, fs aofbinlog.FS, policy aofbinlog.FsyncPolicy) {
	l, err := aofbinlog.Open(fs, aofbinlog.Options{Fsync: policy})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	l.Split(1)
	val := []byte(strings.Repeat("v", 100))
	var buf []byte
	op := int64(0)
	for b.Loop() {
		op++
		h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, OpID: op, SrcOpID: -1, Epoch: 1, TimestampMs: op}
		buf = wire.AppendEntry(buf[:0], h, [][]byte{[]byte("set"), []byte("key:000001"), val})
		b.SetBytes(int64(len(buf)))
		if err := l.Append(buf, h); err != nil {
			b.Fatal(err)
		}
		if policy == aofbinlog.FsyncEverySec && op%1000 == 0 {
			l.SyncIfDue(op) // as if cron ran every 1000 appends
		}
	}
}

// BenchmarkAppend: ~200-byte entries (encoding included) on simfs; the
// real-disk numbers are in node/osenv.
func BenchmarkAppend(b *testing.B) {
	b.Run("simfs-no", func(b *testing.B) { benchAppend(b, simfs.New(), aofbinlog.FsyncNo) })
	b.Run("simfs-always", func(b *testing.B) { benchAppend(b, simfs.New(), aofbinlog.FsyncAlways) })
}
