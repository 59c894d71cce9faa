package dict

import (
	"fmt"
	"sort"
	"testing"
	"unsafe"

	"pgregory.net/rapid"
)

type splitmix struct{ s uint64 }

func (r *splitmix) Uint64() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// TestDictModel runs random operations against a Go map as the model.
func TestDictModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := New[int](rapid.Uint64().Draw(t, "seed"))
		model := map[string]int{}
		key := rapid.StringMatching(`k[0-9]{1,3}`)
		for i, steps := 0, rapid.IntRange(0, 400).Draw(t, "steps"); i < steps; i++ {
			k := key.Draw(t, "key")
			switch rapid.IntRange(0, 3).Draw(t, "op") {
			case 0:
				_, had := model[k]
				if added := d.Set(k, i); added == had {
					t.Fatalf("Set(%q) added=%v, model had=%v", k, added, had)
				}
				model[k] = i
			case 1:
				_, had := model[k]
				if d.Delete(k) != had {
					t.Fatalf("Delete(%q) disagrees with model", k)
				}
				delete(model, k)
			case 2:
				v, ok := d.Get(k)
				mv, mok := model[k]
				if ok != mok || v != mv {
					t.Fatalf("Get(%q) = %d,%v want %d,%v", k, v, ok, mv, mok)
				}
			case 3:
				keys := rapid.SliceOfN(key, 0, PrefetchMax).Draw(t, "batch")
				vals := make([]int, len(keys))
				for j := range vals {
					vals[j] = -1 // Prefetch must set every slot
				}
				d.Prefetch(keys, vals)
				for j, k := range keys {
					if mv := model[k]; vals[j] != mv {
						t.Fatalf("Prefetch(%q) = %d want %d", k, vals[j], mv)
					}
				}
			}
			if d.Len() != len(model) {
				t.Fatalf("Len %d, model %d", d.Len(), len(model))
			}
		}
		keys := d.Keys()
		sort.Strings(keys)
		var want []string
		for k := range model {
			want = append(want, k)
		}
		sort.Strings(want)
		if fmt.Sprint(keys) != fmt.Sprint(want) {
			t.Fatalf("Keys %v want %v", keys, want)
		}
	})
}

// TestScanSurvivesResize checks SCAN's guarantee: a key present for the
// whole walk is returned, even when the table grows and shrinks between calls.
func TestScanSurvivesResize(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := New[struct{}](7)
		stable := rapid.IntRange(1, 300).Draw(t, "stable")
		for i := 0; i < stable; i++ {
			d.Set(fmt.Sprintf("s%d", i), struct{}{})
		}
		seen := map[string]bool{}
		cursor, churn := uint64(0), 0
		for calls := 0; ; calls++ {
			cursor = d.Scan(cursor, rapid.IntRange(1, 20).Draw(t, "count"), func(k string, _ struct{}) { seen[k] = true })
			// Grow or shrink with temporary keys between calls.
			if rapid.Bool().Draw(t, "grow") {
				for j := 0; j < rapid.IntRange(0, 200).Draw(t, "add"); j++ {
					d.Set(fmt.Sprintf("t%d", churn), struct{}{})
					churn++
				}
			} else {
				for j := 0; j < churn; j++ {
					d.Delete(fmt.Sprintf("t%d", j))
				}
			}
			if cursor == 0 || calls > 100000 {
				break
			}
		}
		for i := 0; i < stable; i++ {
			if !seen[fmt.Sprintf("s%d", i)] {
				t.Fatalf("s%d never returned by the scan", i)
			}
		}
	})
}

// TestDeterministicOrder: the same seed and operations give the same order.
func TestDeterministicOrder(t *testing.T) {
	build := func() []string {
		d := New[int](42)
		for i := 0; i < 1000; i++ {
			d.Set(fmt.Sprintf("key:%d", i), i)
			if i%3 == 0 {
				d.Delete(fmt.Sprintf("key:%d", i/2))
			}
		}
		return d.Keys()
	}
	a, b := build(), build()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("iteration order differs between identical runs")
	}
	if New[int](1).hash("x") == New[int](2).hash("x") {
		t.Fatal("seed does not change the hash")
	}
}

func TestRandomCoversAll(t *testing.T) {
	d := New[int](3)
	for i := 0; i < 50; i++ {
		d.Set(fmt.Sprint(i), i)
	}
	r := &splitmix{}
	seen := map[string]bool{}
	for i := 0; i < 5000; i++ {
		k, v, ok := d.Random(r)
		if !ok || fmt.Sprint(v) != k {
			t.Fatalf("Random gave %q=%d ok=%v", k, v, ok)
		}
		seen[k] = true
	}
	if len(seen) != 50 {
		t.Fatalf("Random reached %d of 50 keys", len(seen))
	}
	if _, _, ok := New[int](1).Random(r); ok {
		t.Fatal("Random on empty dict")
	}
}

func BenchmarkSetGet(b *testing.B) {
	d := New[int](1)
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("key:%d", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k := keys[i&(len(keys)-1)]
		d.Set(k, i)
		d.Get(k)
	}
}

// TestSetCopiesNewKeys: the table owns its keys, so a key given as a view
// of a buffer the caller reuses stays what it was; SetOwned keeps it as is.
func TestSetCopiesNewKeys(t *testing.T) {
	d := New[int](1)
	buf := []byte("key")
	d.Set(unsafe.String(&buf[0], len(buf)), 1)
	buf[0] = 'x'
	if v, ok := d.Get("key"); !ok || v != 1 {
		t.Fatalf("Get(key) = %d, %v after the caller's buffer changed", v, ok)
	}
	if k, ok := d.Key("key"); !ok || unsafe.StringData(k) == &buf[0] {
		t.Fatalf("Key(key) = %q, %v: not the table's own copy", k, ok)
	}
	owned := "mine"
	d.SetOwned(owned, 2)
	if k, _ := d.Key("mine"); unsafe.StringData(k) != unsafe.StringData(owned) {
		t.Fatal("SetOwned copied the key")
	}
}
