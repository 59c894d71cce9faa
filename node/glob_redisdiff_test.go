//go:build redisdiff

package node

import (
	"context"
	"math/rand"
	"sort"
	"testing"

	"github.com/redis/go-redis/v9"
)

func TestGlobAgainstRedis(t *testing.T) {
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: "/tmp/hA.sock", DB: 9})
	rc.FlushDB(ctx)
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
		rc.Set(ctx, k, 1, 0)
	}
	for i := 0; i < 3000; i++ {
		p := gen(7)
		if p == "*" {
			continue
		}
		got, err := rc.Keys(ctx, p).Result()
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		var want []string
		for k := range keys {
			if GlobMatch([]byte(p), []byte(k), false) {
				want = append(want, k)
			}
		}
		sort.Strings(want)
		if len(got) != len(want) {
			t.Fatalf("pattern %q: redis %q ours %q", p, got, want)
		}
		for j := range got {
			if got[j] != want[j] {
				t.Fatalf("pattern %q: redis %q ours %q", p, got, want)
			}
		}
	}
	rc.FlushDB(ctx)
}
