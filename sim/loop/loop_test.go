package loop

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"opdis/sim/rng"
	"opdis/sim/trace"
)

func TestFiresInTimeOrder(t *testing.T) {
	l := New(nil)
	var got []int
	for _, at := range []int{50, 10, 40, 20, 30} {
		l.At(time.Duration(at), "e", func() { got = append(got, at) })
	}
	l.Run()
	if !slices.Equal(got, []int{10, 20, 30, 40, 50}) {
		t.Fatalf("fired %v", got)
	}
	if l.Now() != 50 || l.Len() != 0 || l.Fired() != 5 {
		t.Fatalf("now %v len %d fired %d", l.Now(), l.Len(), l.Fired())
	}
}

func TestTiesFireInScheduleOrder(t *testing.T) {
	l := New(nil)
	var got []string
	add := func(name string) func() { return func() { got = append(got, name) } }
	l.At(5, "e", add("a"))
	l.At(5, "e", add("b"))
	l.At(5, "e", func() {
		got = append(got, "c")
		// Scheduled "now" from inside an event: after everything already
		// queued for this instant.
		l.After(0, "e", add("e"))
	})
	l.At(5, "e", add("d"))
	l.Run()
	if strings.Join(got, "") != "abcde" {
		t.Fatalf("fired %v", got)
	}
}

func TestTimerStop(t *testing.T) {
	l := New(nil)
	fired := map[string]bool{}
	mark := func(s string) func() { return func() { fired[s] = true } }
	a := l.At(10, "a", mark("a"))
	b := l.At(20, "b", mark("b"))
	l.At(30, "c", mark("c"))
	if !b.Pending() || b.When() != 20 {
		t.Fatal("b should be pending at 20")
	}
	if !b.Stop() || b.Stop() {
		t.Fatal("Stop should succeed once")
	}
	l.RunUntil(15)
	if !fired["a"] || a.Pending() || a.Stop() {
		t.Fatal("a fired; its timer must be spent")
	}
	// a's event struct is recycled by the next Schedule; the stale handle
	// must not cancel the new event.
	d := l.At(40, "d", mark("d"))
	if a.Stop() {
		t.Fatal("stale timer stopped a recycled event")
	}
	l.Run()
	if fired["b"] || !fired["c"] || !fired["d"] || d.Pending() {
		t.Fatalf("fired %v", fired)
	}
}

func TestRunUntil(t *testing.T) {
	l := New(nil)
	n := 0
	for i := 1; i <= 10; i++ {
		l.At(time.Duration(i)*time.Second, "tick", func() { n++ })
	}
	l.RunUntil(3 * time.Second)
	if n != 3 || l.Now() != 3*time.Second || l.Len() != 7 {
		t.Fatalf("n=%d now=%v len=%d", n, l.Now(), l.Len())
	}
	l.RunFor(1500 * time.Millisecond)
	if n != 4 || l.Now() != 4500*time.Millisecond {
		t.Fatalf("n=%d now=%v", n, l.Now())
	}
	if !l.RunUntilDone(time.Minute, func() bool { return n == 6 }) || l.Now() != 6*time.Second {
		t.Fatalf("RunUntilDone: n=%d now=%v", n, l.Now())
	}
	if l.RunUntilDone(8*time.Second, func() bool { return n == 10 }) || n != 8 {
		t.Fatalf("deadline: n=%d", n)
	}
	l.At(20*time.Second, "stop", l.Stop)
	l.At(20*time.Second, "after-stop", func() { n = 100 })
	l.Run()
	if n != 10 || l.Now() != 20*time.Second || l.Len() != 1 {
		t.Fatalf("Stop: n=%d now=%v len=%d", n, l.Now(), l.Len())
	}
}

func TestScheduleInThePastPanics(t *testing.T) {
	l := New(nil)
	l.RunUntil(time.Second)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "before now") {
			t.Fatalf("recovered %v", r)
		}
	}()
	l.At(time.Millisecond, "late", func() {})
}

// TestMatchesReferenceQueue drives the heap with random schedules, stops
// and steps and checks every fired event against a sorted-list model.
func TestMatchesReferenceQueue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := New(nil)
		type ref struct {
			at  time.Duration
			seq int
		}
		var model []ref // pending, kept sorted by (at, seq)
		timers := map[int]Timer{}
		var fired []int
		seq := 0
		t.Repeat(map[string]func(*rapid.T){
			"schedule": func(t *rapid.T) {
				at := l.Now() + time.Duration(rapid.IntRange(0, 5).Draw(t, "delay"))
				id := seq
				seq++
				timers[id] = l.At(at, "x", func() { fired = append(fired, id) })
				model = append(model, ref{at, id})
				slices.SortFunc(model, func(a, b ref) int {
					return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq))
				})
			},
			"stop": func(t *rapid.T) {
				if len(model) == 0 {
					t.Skip("nothing pending")
				}
				i := rapid.IntRange(0, len(model)-1).Draw(t, "which")
				if !timers[model[i].seq].Stop() {
					t.Fatalf("Stop of pending %d failed", model[i].seq)
				}
				model = slices.Delete(model, i, i+1)
			},
			"step": func(t *rapid.T) {
				fired = fired[:0]
				ok := l.Step()
				if ok != (len(model) > 0) {
					t.Fatalf("Step = %v with %d pending", ok, len(model))
				}
				if !ok {
					return
				}
				if len(fired) != 1 || fired[0] != model[0].seq || l.Now() != model[0].at {
					t.Fatalf("fired %v at %v, want %v", fired, l.Now(), model[0])
				}
				model = model[1:]
			},
			"": func(t *rapid.T) {
				if l.Len() != len(model) {
					t.Fatalf("Len %d, model %d", l.Len(), len(model))
				}
			},
		})
	})
}

// churn is a small self-scheduling workload: each of n actors fires,
// records something, and reschedules itself after a random delay.
func churn(l *Loop, seed uint64, n, events int) {
	r := rng.New(seed).Stream("churn")
	count := 0
	for i := 0; i < n; i++ {
		var fire func()
		fire = func() {
			count++
			l.Trace().Record(l.Now(), "actor", int64(i), int64(count), nil)
			if count < events {
				l.After(time.Duration(r.IntN(1000))*time.Microsecond, "actor", fire)
			}
		}
		l.After(time.Duration(r.IntN(1000))*time.Microsecond, "actor", fire)
	}
	l.Run()
}

func TestSameSeedSameTrace(t *testing.T) {
	sum := func(seed uint64) uint64 {
		l := New(nil)
		churn(l, seed, 20, 5000)
		return l.Trace().Sum()
	}
	if sum(1) != sum(1) {
		t.Fatal("seed 1 gave two different traces")
	}
	if sum(1) == sum(2) {
		t.Fatal("seeds 1 and 2 gave the same trace")
	}
	err := trace.CheckDeterminism(func(tr *trace.Trace) { churn(New(tr), 7, 10, 1000) })
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeterminismCheckNamesTheDivergence(t *testing.T) {
	runs := 0
	err := trace.CheckDeterminism(func(tr *trace.Trace) {
		runs++
		l := New(tr)
		for i := 0; i < 100; i++ {
			d := time.Duration(i) * time.Millisecond
			if i == 60 && runs%2 == 0 {
				d += time.Microsecond // the second run of each pair differs here
			}
			l.At(d, "step", func() {})
		}
		l.Run()
	})
	if err == nil {
		t.Fatal("a nondeterministic run passed")
	}
	if !strings.Contains(err.Error(), "diverge at event #60") || !strings.Contains(err.Error(), "@60ms step") ||
		!strings.Contains(err.Error(), "@60.001ms step") {
		t.Fatalf("report does not name event 60 in both runs:\n%v", err)
	}
}

// BenchmarkEvents measures the bare loop: 1000 actors rescheduling
// themselves, as the simulator's timers and deliveries do.
func BenchmarkEvents(b *testing.B) {
	l := New(nil)
	r := rng.New(1).Stream("bench")
	left := b.N
	var fire Func
	fire = func() {
		if left > 0 {
			left--
			l.Schedule(l.Now()+time.Duration(r.IntN(1000))*time.Microsecond, "actor", fire)
		}
	}
	for i := 0; i < 1000; i++ {
		l.Schedule(time.Duration(r.IntN(1000))*time.Microsecond, "actor", fire)
	}
	b.ReportAllocs()
	b.ResetTimer()
	l.Run()
	b.ReportMetric(float64(l.Fired())/b.Elapsed().Seconds(), "events/s")
}
