// Package detbad breaks every determinism rule once, so the checker's test
// can prove it notices. It is never built.
package detbad

import (
	"math/rand"
	"os"
	"time"
)

var counts = map[string]int{}

func bad(ch chan int) {
	go func() {}()
	select {
	case <-ch:
	default:
	}
	_ = time.Now()
	_ = rand.Int()
	_ = os.Args
	for k := range counts {
		_ = k
	}
	for k := range counts { //det:ok order-free
		_ = k
	}
}
