// Package trace keeps the fingerprint of a simulation run: a running hash
// of every event, so two runs of one seed can be compared (DESIGN §7, C6),
// and, on demand, the descriptions of chosen events, so the first event
// where two runs part can be named.
//
// Recording is cheap when nothing is being described: an event costs a few
// multiplications and no allocation. Descriptions are built only for the
// events a Trace was asked to keep (the last N, or an index window).
package trace

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"time"
)

// Options choose what a Trace remembers besides its running hash.
type Options struct {
	// KeepHashes stores the running hash after every event (8 bytes each),
	// so FirstDifference can find where two runs part.
	KeepHashes bool
	// Last keeps the descriptions of the last Last events (a ring).
	Last int
	// From and To keep the descriptions of the events whose index is in
	// [From, To), for the re-run that names a divergence.
	From, To uint64
}

// Entry is one described event.
type Entry struct {
	Index uint64        // position in the run, from 0
	At    time.Duration // simulated time
	Sum   uint64        // running hash after this event
	Desc  string
}

func (e Entry) String() string {
	return fmt.Sprintf("#%d @%v %s [%016x]", e.Index, e.At, e.Desc, e.Sum)
}

// Trace is the running fingerprint of one run. The zero value is not
// usable; call New.
type Trace struct {
	opt    Options
	sum    uint64
	n      uint64
	hashes []uint64
	ring   []Entry // the last opt.Last described events
	ringAt int
	window []Entry
}

// New returns an empty trace.
func New(opt Options) *Trace {
	return &Trace{opt: opt, sum: offset64}
}

const (
	offset64 = 0xcbf29ce484222325
	mul1     = 0x9e3779b97f4a7c15
	mul2     = 0xbf58476d1ce4e5b9
)

// mix folds v into h. It need not be cryptographic, only sensitive to
// every input bit and to order.
func mix(h, v uint64) uint64 {
	hi, lo := bits.Mul64(h^v, mul1)
	return (hi ^ lo) * mul2
}

// Record folds one event into the trace: its simulated time, a kind (a
// constant string, e.g. "net.deliver"), two integers (ids, lengths,
// whatever identifies the event) and an optional payload.
func (t *Trace) Record(at time.Duration, kind string, a, b int64, data []byte) {
	h := mix(t.sum, uint64(at))
	h = hashString(h, kind)
	h = mix(h, uint64(a))
	h = mix(h, uint64(b))
	if data != nil {
		h = hashBytes(h, data)
	}
	t.sum = h
	idx := t.n
	t.n++
	if t.opt.KeepHashes {
		t.hashes = append(t.hashes, h)
	}
	inWindow := idx >= t.opt.From && idx < t.opt.To
	if t.opt.Last <= 0 && !inWindow {
		return
	}
	e := Entry{Index: idx, At: at, Sum: h, Desc: describe(kind, a, b, data)}
	if inWindow {
		t.window = append(t.window, e)
	}
	if t.opt.Last > 0 {
		if len(t.ring) < t.opt.Last {
			t.ring = append(t.ring, e)
		} else {
			t.ring[t.ringAt] = e
			t.ringAt = (t.ringAt + 1) % t.opt.Last
		}
	}
}

// Sum is the running hash of every event so far.
func (t *Trace) Sum() uint64 { return t.sum }

// Len is the number of events recorded.
func (t *Trace) Len() uint64 { return t.n }

// Hashes returns the running hash after each event (Options.KeepHashes).
func (t *Trace) Hashes() []uint64 { return t.hashes }

// Entries returns every kept description (window and ring), in event order.
func (t *Trace) Entries() []Entry {
	out := slices.Clone(t.window)
	out = append(out, t.ring[t.ringAt:]...)
	out = append(out, t.ring[:t.ringAt]...)
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(a.Index, b.Index) })
	return slices.CompactFunc(out, func(a, b Entry) bool { return a.Index == b.Index })
}

func hashString(h uint64, s string) uint64 {
	for len(s) >= 8 {
		h = mix(h, uint64(s[0])|uint64(s[1])<<8|uint64(s[2])<<16|uint64(s[3])<<24|
			uint64(s[4])<<32|uint64(s[5])<<40|uint64(s[6])<<48|uint64(s[7])<<56)
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return mix(h, tail^uint64(len(s))<<59)
}

func hashBytes(h uint64, p []byte) uint64 {
	n := len(p)
	for len(p) >= 8 {
		h = mix(h, binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	var tail uint64
	for i := 0; i < len(p); i++ {
		tail |= uint64(p[i]) << (8 * i)
	}
	return mix(mix(h, tail), uint64(n))
}

const maxDescData = 64

func describe(kind string, a, b int64, data []byte) string {
	s := kind + " " + strconv.FormatInt(a, 10) + " " + strconv.FormatInt(b, 10)
	if data != nil {
		if len(data) > maxDescData {
			s += " " + strconv.Quote(string(data[:maxDescData])) + "…(" + strconv.Itoa(len(data)) + " bytes)"
		} else {
			s += " " + strconv.Quote(string(data))
		}
	}
	return s
}

// FirstDifference returns the index of the first event whose running hash
// differs between two runs recorded with KeepHashes, or -1 if the runs are
// identical. A run that is a strict prefix of the other differs at its end.
func FirstDifference(a, b *Trace) int {
	ha, hb := a.hashes, b.hashes
	for i := 0; i < len(ha) && i < len(hb); i++ {
		if ha[i] != hb[i] {
			return i
		}
	}
	if len(ha) != len(hb) || a.sum != b.sum {
		return min(len(ha), len(hb))
	}
	return -1
}

// CheckDeterminism runs run twice with fresh traces and compares them. If
// they differ it runs both again, keeping the descriptions around the
// first differing event, and returns an error naming that event in both
// runs. run must start from scratch each time (same seed, no state shared
// between calls).
func CheckDeterminism(run func(*Trace)) error {
	t1, t2 := New(Options{KeepHashes: true}), New(Options{KeepHashes: true})
	run(t1)
	run(t2)
	i := FirstDifference(t1, t2)
	if i < 0 {
		return nil
	}
	const context = 3
	from := uint64(max(i-context, 0))
	w1 := New(Options{From: from, To: uint64(i) + 1})
	w2 := New(Options{From: from, To: uint64(i) + 1})
	run(w1)
	run(w2)
	return fmt.Errorf("runs diverge at event #%d (of %d and %d events; sums %016x and %016x)\nrun 1:\n%s\nrun 2:\n%s",
		i, t1.Len(), t2.Len(), t1.Sum(), t2.Sum(), formatEntries(w1.Entries()), formatEntries(w2.Entries()))
}

func formatEntries(es []Entry) string {
	if len(es) == 0 {
		return "  (no event: the run ended here)"
	}
	s := ""
	for _, e := range es {
		s += "  " + e.String() + "\n"
	}
	return s
}
