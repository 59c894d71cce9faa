package node

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// TestListModel drives List with random operations and checks it against
// a plain slice after each one.
func TestListModel(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for round := 0; round < 50; round++ {
		l := NewList()
		var model [][]byte
		next := 0
		val := func() []byte { next++; return []byte(fmt.Sprint(next)) }
		for step := 0; step < 2000; step++ {
			switch op := r.Intn(12); {
			case op < 3 || len(model) == 0 && op < 8:
				v := val()
				if op%2 == 0 {
					l.PushFront(v)
					model = append([][]byte{v}, model...)
				} else {
					l.PushBack(v)
					model = append(model, v)
				}
			case op == 3:
				if got := l.PopFront(); len(model) == 0 && got != nil || len(model) > 0 && !bytes.Equal(got, model[0]) {
					t.Fatalf("PopFront = %q", got)
				}
				if len(model) > 0 {
					model = model[1:]
				}
			case op == 4:
				got := l.PopBack()
				if len(model) > 0 {
					if !bytes.Equal(got, model[len(model)-1]) {
						t.Fatalf("PopBack = %q", got)
					}
					model = model[:len(model)-1]
				}
			case op == 5:
				i := r.Intn(len(model) + 1)
				v := val()
				l.Insert(i, v)
				model = append(model[:i], append([][]byte{v}, model[i:]...)...)
			case op == 6 && len(model) > 0:
				i := r.Intn(len(model))
				l.Remove(i)
				model = append(model[:i:i], model[i+1:]...)
			case op == 7 && len(model) > 0:
				i := r.Intn(len(model))
				v := val()
				l.Set(i, v)
				model[i] = v
			case op == 8:
				k := r.Intn(len(model) + 2)
				if r.Intn(2) == 0 {
					l.TrimFront(k)
					model = model[min(k, len(model)):]
				} else {
					l.TrimBack(k)
					model = model[:len(model)-min(k, len(model))]
				}
			case op == 9:
				// RemoveIf: drop values divisible by m, up to limit.
				m := r.Intn(3) + 2
				limit := r.Intn(4)
				fromTail := r.Intn(2) == 0
				match := func(v []byte) bool {
					var x int
					fmt.Sscan(string(v), &x)
					return x%m == 0
				}
				want := removeIfModel(model, fromTail, limit, match)
				got := l.RemoveIf(fromTail, limit, match)
				if got != len(model)-len(want) {
					t.Fatalf("RemoveIf removed %d, want %d", got, len(model)-len(want))
				}
				model = want
			case op == 10:
				c := l.Clone()
				checkList(t, c, model)
				c.PushBack([]byte("x")) // must not affect l
			case op == 11 && r.Intn(20) == 0:
				for len(model) > 0 {
					l.PopBack()
					model = model[:len(model)-1]
				}
			}
			checkList(t, l, model)
		}
	}
}

func removeIfModel(model [][]byte, fromTail bool, limit int, match func([]byte) bool) [][]byte {
	keep := make([]bool, len(model))
	removed := 0
	for k := range model {
		i := k
		if fromTail {
			i = len(model) - 1 - k
		}
		if (limit <= 0 || removed < limit) && match(model[i]) {
			removed++
			continue
		}
		keep[i] = true
	}
	var out [][]byte
	for i, v := range model {
		if keep[i] {
			out = append(out, v)
		}
	}
	return out
}

func checkList(t *testing.T, l *List, model [][]byte) {
	t.Helper()
	if l.Len() != len(model) {
		t.Fatalf("Len = %d, want %d", l.Len(), len(model))
	}
	for i, v := range model {
		if !bytes.Equal(l.Index(i), v) {
			t.Fatalf("Index(%d) = %q, want %q", i, l.Index(i), v)
		}
	}
	vals := l.Values()
	for i := range model {
		if !bytes.Equal(vals[i], model[i]) {
			t.Fatalf("Values()[%d] = %q", i, vals[i])
		}
	}
	if len(model) > 0 {
		i := 0
		l.Range(0, len(model)-1, true, func(j int, v []byte) bool {
			if j != len(model)-1-i || !bytes.Equal(v, model[j]) {
				t.Fatalf("reverse Range at %d: %d %q", i, j, v)
			}
			i++
			return true
		})
	}
	if c := len(l.buf); c != 0 && (c&(c-1) != 0 || c < l.n) {
		t.Fatalf("bad capacity %d for %d elements", c, l.n)
	}
	if l.n > 0 && len(l.buf) > listMinCap && l.n < len(l.buf)/8 {
		t.Fatalf("capacity %d not shrunk for %d elements", len(l.buf), l.n)
	}
}

// TestListShrinks checks that a list that grew and emptied gives its
// memory back.
func TestListShrinks(t *testing.T) {
	l := NewList()
	for i := 0; i < 10000; i++ {
		l.PushBack([]byte("x"))
	}
	for i := 0; i < 9990; i++ {
		l.PopFront()
	}
	if len(l.buf) > 64 {
		t.Fatalf("capacity %d for %d elements", len(l.buf), l.Len())
	}
	for l.Len() > 0 {
		l.PopBack()
	}
	if l.buf != nil {
		t.Fatalf("empty list keeps %d slots", len(l.buf))
	}
}
