// Package loop is the simulator's discrete-event loop: simulated time, a
// queue of events ordered by (time, sequence number) so that events at the
// same instant run in the order they were scheduled, and a trace that
// every fired event is folded into (DESIGN §8: one goroutine, a priority
// queue, simulated time).
//
// Nothing here reads the real clock or starts a goroutine; given the same
// calls, a Loop fires the same events in the same order.
package loop

import (
	"fmt"
	"time"

	"opdis/sim/trace"
)

// Handler is what an event runs. Long-lived objects (a network pipe, a
// node's ticker) implement it themselves so scheduling them allocates
// nothing; Func adapts a plain function.
type Handler interface{ Fire() }

// Func is a Handler that calls itself.
type Func func()

// Fire calls f.
func (f Func) Fire() { f() }

type event struct {
	loop  *Loop
	at    time.Duration
	seq   uint64
	label string
	h     Handler
	index int    // position in the heap, -1 when not queued
	gen   uint64 // bumped each time the event is recycled
}

// Timer is a handle on a scheduled event. The zero Timer is valid and
// refers to nothing.
type Timer struct {
	e   *event
	gen uint64
}

// Stop cancels the event. It reports whether the event was still pending.
func (t Timer) Stop() bool {
	if !t.Pending() {
		return false
	}
	l := t.e.loop
	l.remove(t.e.index)
	l.release(t.e)
	return true
}

// Pending reports whether the event is still queued.
func (t Timer) Pending() bool { return t.e != nil && t.e.gen == t.gen && t.e.index >= 0 }

// When is the time the event is (or was) due; zero for a fired or
// stopped event.
func (t Timer) When() time.Duration {
	if !t.Pending() {
		return 0
	}
	return t.e.at
}

// Loop is the event loop. All methods must be called from one goroutine:
// the one running it, or from inside the handlers it fires.
type Loop struct {
	now     time.Duration
	seq     uint64
	heap    []*event
	free    []*event
	tr      *trace.Trace
	fired   uint64
	stopped bool
}

// New returns a loop at time zero that records every fired event in tr
// (a fresh trace if tr is nil).
func New(tr *trace.Trace) *Loop {
	if tr == nil {
		tr = trace.New(trace.Options{})
	}
	return &Loop{tr: tr}
}

// Now is the simulated time since the start.
func (l *Loop) Now() time.Duration { return l.now }

// Trace is the trace fired events are recorded in; handlers add their own
// details to it.
func (l *Loop) Trace() *trace.Trace { return l.tr }

// Len is the number of pending events.
func (l *Loop) Len() int { return len(l.heap) }

// Fired is the number of events fired so far.
func (l *Loop) Fired() uint64 { return l.fired }

// Schedule queues h to fire at time at (not before now). label names the
// kind of event in the trace; it should be a constant.
func (l *Loop) Schedule(at time.Duration, label string, h Handler) Timer {
	if at < l.now {
		panic(fmt.Sprintf("loop: %s scheduled at %v, before now (%v)", label, at, l.now))
	}
	var e *event
	if n := len(l.free); n > 0 {
		e = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		e = &event{loop: l}
	}
	e.at, e.seq, e.label, e.h = at, l.seq, label, h
	l.seq++
	e.index = len(l.heap)
	l.heap = append(l.heap, e)
	l.up(e.index)
	return Timer{e: e, gen: e.gen}
}

// At queues fn to run at time at.
func (l *Loop) At(at time.Duration, label string, fn func()) Timer {
	return l.Schedule(at, label, Func(fn))
}

// After queues fn to run d from now.
func (l *Loop) After(d time.Duration, label string, fn func()) Timer {
	return l.Schedule(l.now+max(d, 0), label, Func(fn))
}

// Stop makes the running Run, RunUntil or RunUntilDone return after the
// current event.
func (l *Loop) Stop() { l.stopped = true }

// Next is the time of the earliest pending event.
func (l *Loop) Next() (time.Duration, bool) {
	if len(l.heap) == 0 {
		return 0, false
	}
	return l.heap[0].at, true
}

// Step fires the earliest event, advancing time to it. It reports false
// when no event is pending.
func (l *Loop) Step() bool {
	if len(l.heap) == 0 {
		return false
	}
	e := l.heap[0]
	l.remove(0)
	l.now = e.at
	h, label := e.h, e.label
	l.release(e)
	l.fired++
	l.tr.Record(l.now, label, 0, 0, nil)
	h.Fire()
	return true
}

// Run fires events until none is pending or Stop is called.
func (l *Loop) Run() {
	l.stopped = false
	for !l.stopped && l.Step() {
	}
}

// RunUntil fires every event due at or before t, then sets the time to t.
// If Stop is called it returns at once, with the time of the last event.
func (l *Loop) RunUntil(t time.Duration) {
	l.stopped = false
	for !l.stopped && len(l.heap) > 0 && l.heap[0].at <= t {
		l.Step()
	}
	if !l.stopped && t > l.now {
		l.now = t
	}
}

// RunFor is RunUntil(Now()+d).
func (l *Loop) RunFor(d time.Duration) { l.RunUntil(l.now + d) }

// RunUntilDone fires events until done reports true (checked before the
// first event and after each), the deadline passes, or nothing is pending.
// It reports whether done became true. Time stays at the last event.
func (l *Loop) RunUntilDone(deadline time.Duration, done func() bool) bool {
	l.stopped = false
	for !done() {
		if l.stopped || len(l.heap) == 0 || l.heap[0].at > deadline {
			return false
		}
		l.Step()
	}
	return true
}

func (l *Loop) release(e *event) {
	e.h, e.label, e.index = nil, "", -1
	e.gen++
	l.free = append(l.free, e)
}

// The queue is a binary min-heap on (at, seq); seq is unique, so the
// order is total and no two runs can break a tie differently.

func less(a, b *event) bool {
	if a.at != b.at {
		return a.at < b.at
	}
	return a.seq < b.seq
}

func (l *Loop) up(i int) {
	h := l.heap
	e := h[i]
	for i > 0 {
		p := (i - 1) / 2
		if !less(e, h[p]) {
			break
		}
		h[i] = h[p]
		h[i].index = i
		i = p
	}
	h[i] = e
	e.index = i
}

func (l *Loop) down(i int) {
	h := l.heap
	n := len(h)
	e := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && less(h[r], h[c]) {
			c = r
		}
		if !less(h[c], e) {
			break
		}
		h[i] = h[c]
		h[i].index = i
		i = c
	}
	h[i] = e
	e.index = i
}

// remove takes the event at heap position i out of the queue.
func (l *Loop) remove(i int) {
	last := len(l.heap) - 1
	e := l.heap[i]
	if i != last {
		moved := l.heap[last]
		l.heap[i] = moved
		moved.index = i
		l.heap[last] = nil
		l.heap = l.heap[:last]
		l.down(i)
		if moved.index == i {
			l.up(i)
		}
	} else {
		l.heap[last] = nil
		l.heap = l.heap[:last]
	}
	e.index = -1
}
