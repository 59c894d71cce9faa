//go:build redisdiff

package node

import (
	"math/rand"
	"sort"
	"testing"
)

// TestGlobAgainstRedis compares GlobMatch with KEYS on a real server for
// random patterns over an alphabet rich in glob metacharacters.
func TestGlobAgainstRedis(t *testing.T) {
	rr := skDialRedis(t)
	rr.do("select", "9")
	rr.do("flushdb")
	r := rand.New(rand.NewSource(1))
	alpha := []byte("aAb[]^-\\*?")
	gen := func(n int) string {
		b := make([]byte, r.Intn(n+1))
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		return string(b)
	}
	keys := map[string]bool{}
	for i := 0; i < 300; i++ {
		k := gen(5)
		keys[k] = true
		rr.do("set", k, "1")
	}
	var sorted []string
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for i := 0; i < 3000; i++ {
		p := gen(7)
		if p == "*" {
			continue
		}
		var got []string
		for _, e := range rr.do("keys", p).Elems {
			got = append(got, e.Str)
		}
		sort.Strings(got)
		var want []string
		for _, k := range sorted {
			if GlobMatch([]byte(p), []byte(k), false) {
				want = append(want, k)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("pattern %q: redis %q ours %q", p, got, want)
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("pattern %q: redis %q ours %q", p, got, want)
			}
		}
	}
	rr.do("flushdb")
}
