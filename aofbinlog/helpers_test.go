package aofbinlog_test

import (
	"errors"
	"io"
	"testing"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

// ent encodes entry op: SET k<op> v<op>, version 2, time op seconds.
func ent(op int64) ([]byte, wire.Header) {
	h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, Timestamp: int32(op), ServerID: 1, OpID: op, SrcOpID: -1, Epoch: 7, TimestampMs: op * 1000}
	k := []byte("k" + itoa(op))
	return wire.AppendEntry(nil, h, [][]byte{[]byte("set"), k, []byte("value-" + itoa(op))}), h
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func open(t testing.TB, fs aofbinlog.FS, opts aofbinlog.Options) *aofbinlog.Log {
	t.Helper()
	l, err := aofbinlog.Open(fs, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return l
}

func appendN(t testing.TB, l *aofbinlog.Log, from, to int64) {
	t.Helper()
	for op := from; op <= to; op++ {
		e, h := ent(op)
		if err := l.Append(e, h); err != nil {
			t.Fatalf("Append %d: %v", op, err)
		}
	}
}

func split(t testing.TB, l *aofbinlog.Log, now int64) string {
	t.Helper()
	name, err := l.Split(now)
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	return name
}

// readFrom returns the op ids a Reader from op yields before catching up.
func readFrom(t testing.TB, l *aofbinlog.Log, op int64) []int64 {
	t.Helper()
	r, err := l.NewReader(op)
	if err != nil {
		t.Fatalf("NewReader(%d): %v", op, err)
	}
	defer r.Close()
	return drain(t, r)
}

func drain(t testing.TB, r *aofbinlog.Reader) []int64 {
	t.Helper()
	var ops []int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return ops
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		want, _ := ent(rec.Entry.Header.OpID)
		if string(rec.Raw) != string(want) {
			t.Fatalf("entry %d: bytes differ", rec.Entry.Header.OpID)
		}
		ops = append(ops, rec.Entry.Header.OpID)
	}
}

func loadAll(t testing.TB, l *aofbinlog.Log, stop aofbinlog.Stop) ([]int64, *aofbinlog.Loader) {
	t.Helper()
	ld, err := l.Load(stop)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	var ops []int64
	for {
		rec, err := ld.Next()
		if errors.Is(err, io.EOF) {
			return ops, ld
		}
		if err != nil {
			t.Fatalf("Load.Next: %v", err)
		}
		ops = append(ops, rec.Entry.Header.OpID)
	}
}

func seq(from, to int64) []int64 {
	var s []int64
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func newFS() *simfs.FS { return simfs.New() }
