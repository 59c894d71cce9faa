package osenv_test

import (
	"io"
	"testing"

	"opdis/aofbinlog"
	"opdis/aofbinlog/fstest"
	"opdis/node/osenv"
	"opdis/wire"
)

func TestFSContract(t *testing.T) {
	fstest.Run(t, func(t *testing.T) aofbinlog.FS {
		fsys, err := osenv.NewFS(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return fsys
	})
}

// TestLogOnDisk runs the binlog on a real directory: append, split,
// reopen, read back.
func TestLogOnDisk(t *testing.T) {
	dir := t.TempDir()
	fsys, err := osenv.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := aofbinlog.Open(fsys, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Split(1700000000); err != nil {
		t.Fatal(err)
	}
	for op := int64(1); op <= 20; op++ {
		if op == 11 {
			if _, err := l.Split(1700000000); err != nil { // same second: suffixed name
				t.Fatal(err)
			}
		}
		h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, OpID: op, SrcOpID: -1, Epoch: 1, TimestampMs: op}
		e := wire.AppendEntry(nil, h, [][]byte{[]byte("set"), []byte("k"), []byte("v")})
		if err := l.Append(e, h); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = aofbinlog.Open(fsys, aofbinlog.Options{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	files := l.Files()
	if len(files) != 2 || files[0].Name != "appendonly-inc-1700000000.aof" || files[1].Name != "appendonly-inc-1700000000-1.aof" {
		t.Fatalf("files %+v", files)
	}
	r, err := l.NewReader(5)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for want := int64(5); ; want++ {
		rec, err := r.Next()
		if err == io.EOF {
			if want != 21 {
				t.Fatalf("caught up at %d", want)
			}
			break
		}
		if err != nil || rec.Entry.Header.OpID != want {
			t.Fatalf("op %d: %+v %v", want, rec.Entry.Header, err)
		}
	}
}

// BenchmarkAppendDisk: ~200-byte entries appended to a real directory
// under each fsync policy (everysec syncs every 1000 appends here).
func BenchmarkAppendDisk(b *testing.B) {
	for _, p := range []aofbinlog.FsyncPolicy{aofbinlog.FsyncNo, aofbinlog.FsyncEverySec, aofbinlog.FsyncAlways} {
		b.Run(p.String(), func(b *testing.B) {
			fsys, err := osenv.NewFS(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			l, err := aofbinlog.Open(fsys, aofbinlog.Options{Fsync: p})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			l.Split(1)
			val := make([]byte, 100)
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
				if op%1000 == 0 {
					l.SyncIfDue(op * 1000)
				}
			}
		})
	}
}
