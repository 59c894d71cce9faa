package main

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// GC tuning. Go's default (GOGC=100) collects whenever the heap has grown
// by the live heap's size; for a server whose live heap is a few tens of
// MB, under a write load that replaces values, that is a collection every
// fraction of a second, and each one walks the whole keyspace and evicts
// it from the CPU caches (SET at -P 16 spent ~20% more CPU per request
// than with GOGC=400). Redis's allocator has no such cost, so opdis raises
// the GC percent while the live heap is small, bounding the memory that
// costs: the heap may grow to at most gcHeadroom beyond the live heap
// before a collection, or to twice the live heap (the default) once that
// is more. GOGC in the environment turns the tuning off.
const (
	gcHeadroom   = 256 << 20 // extra heap a raised GC percent may use
	gcPercentMax = 400
	gcPercentMin = 100 // Go's default
	gcTuneEvery  = time.Second
)

// gcTuner follows the live heap from the server's ticks.
type gcTuner struct {
	off     bool
	percent int
	last    time.Time
	sample  []metrics.Sample
}

func newGCTuner() *gcTuner {
	t := &gcTuner{off: os.Getenv("GOGC") != "",
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	if !t.off {
		t.set(gcPercentMax) // the live heap is empty at start
	}
	return t
}

// gcPercentFor is the GC percent for a live heap of live bytes.
func gcPercentFor(live uint64) int {
	if live == 0 {
		return gcPercentMax
	}
	return int(min(max(gcHeadroom*100/live, gcPercentMin), gcPercentMax))
}

// tune updates the GC percent at most once per gcTuneEvery.
func (t *gcTuner) tune(now time.Time) {
	if t.off || now.Sub(t.last) < gcTuneEvery {
		return
	}
	t.last = now
	metrics.Read(t.sample)
	if t.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	p := gcPercentFor(t.sample[0].Value.Uint64())
	// Only a change of a tenth or more is worth a call (it takes the heap lock).
	if d := p - t.percent; d*10 >= t.percent || -d*10 >= t.percent {
		t.set(p)
	}
}

func (t *gcTuner) set(p int) {
	t.percent = p
	debug.SetGCPercent(p)
}
