package sim

import (
	"testing"
)

// BenchmarkSeed is the shape the speed targets are stated for: 3 nodes,
// about 1000 client operations over 10 simulated seconds, the seed's own
// faults, every check (no determinism re-run). Figures are per core.
func BenchmarkSeed(b *testing.B) {
	var simSec, events float64
	for i := 0; i < b.N; i++ {
		o := Draw(uint64(i + 1))
		o.Nodes = 3
		res := Run(o, Config{})
		if res.Failed() {
			b.Fatalf("seed %d: %v", i+1, res.Failures[0])
		}
		simSec += res.SimTime.Seconds()
		events += float64(res.Events)
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/sec*60, "seeds/min")
	b.ReportMetric(simSec/sec, "sim-s/s")
	b.ReportMetric(events/sec, "events/s")
}
