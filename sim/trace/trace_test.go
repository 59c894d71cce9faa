package trace

import (
	"strings"
	"testing"
	"time"
)

func record(t *Trace, n int, change int) {
	for i := 0; i < n; i++ {
		data := []byte("payload")
		if i == change {
			data = []byte("payloae")
		}
		t.Record(time.Duration(i)*time.Millisecond, "ev", int64(i), 0, data)
	}
}

func TestSumIsSensitiveToEveryField(t *testing.T) {
	base := New(Options{})
	base.Record(5, "kind", 1, 2, []byte("abc"))
	for name, rec := range map[string]func(*Trace){
		"time":  func(t *Trace) { t.Record(6, "kind", 1, 2, []byte("abc")) },
		"kind":  func(t *Trace) { t.Record(5, "kinD", 1, 2, []byte("abc")) },
		"a":     func(t *Trace) { t.Record(5, "kind", 0, 2, []byte("abc")) },
		"b":     func(t *Trace) { t.Record(5, "kind", 1, 3, []byte("abc")) },
		"data":  func(t *Trace) { t.Record(5, "kind", 1, 2, []byte("abd")) },
		"len":   func(t *Trace) { t.Record(5, "kind", 1, 2, []byte("abc\x00")) },
		"nodat": func(t *Trace) { t.Record(5, "kind", 1, 2, nil) },
	} {
		o := New(Options{})
		rec(o)
		if o.Sum() == base.Sum() {
			t.Errorf("changing %s kept the sum", name)
		}
	}
	same := New(Options{})
	same.Record(5, "kind", 1, 2, []byte("abc"))
	if same.Sum() != base.Sum() {
		t.Fatal("identical records, different sums")
	}
}

func TestFirstDifference(t *testing.T) {
	a, b := New(Options{KeepHashes: true}), New(Options{KeepHashes: true})
	record(a, 100, -1)
	record(b, 100, -1)
	if i := FirstDifference(a, b); i != -1 {
		t.Fatalf("identical runs differ at %d", i)
	}
	c := New(Options{KeepHashes: true})
	record(c, 100, 42)
	if i := FirstDifference(a, c); i != 42 {
		t.Fatalf("got %d, want 42", i)
	}
	d := New(Options{KeepHashes: true})
	record(d, 70, -1)
	if i := FirstDifference(a, d); i != 70 {
		t.Fatalf("prefix run: got %d, want 70", i)
	}
}

func TestKeptDescriptions(t *testing.T) {
	tr := New(Options{Last: 3, From: 10, To: 12})
	record(tr, 20, -1)
	var idx []uint64
	for _, e := range tr.Entries() {
		idx = append(idx, e.Index)
	}
	if want := []uint64{10, 11, 17, 18, 19}; len(idx) != len(want) || idx[0] != 10 || idx[4] != 19 || idx[2] != 17 {
		t.Fatalf("kept %v, want %v", idx, want)
	}
	e := tr.Entries()[0]
	if e.At != 10*time.Millisecond || !strings.Contains(e.String(), `ev 10 0 "payload"`) {
		t.Fatalf("entry %v", e)
	}
	big := New(Options{Last: 1})
	big.Record(0, "big", 0, 0, make([]byte, 1000))
	if s := big.Entries()[0].Desc; !strings.Contains(s, "1000 bytes") || len(s) > 400 {
		t.Fatalf("large payload described as %q", s)
	}
}

func TestCheckDeterminismPasses(t *testing.T) {
	if err := CheckDeterminism(func(t *Trace) { record(t, 50, -1) }); err != nil {
		t.Fatal(err)
	}
	run := 0
	err := CheckDeterminism(func(t *Trace) {
		run++
		record(t, 50+run%2, -1) // the runs differ in length
	})
	if err == nil || !strings.Contains(err.Error(), "diverge at event #50") {
		t.Fatalf("got %v", err)
	}
}
