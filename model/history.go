package model

import (
	"fmt"

	"github.com/anishathalye/porcupine"
)

// History collects a run's operations for Check. It keeps each client
// sequential, as porcupine's visualization and the checked contract
// assume, and hands out a new client id after an unknown outcome.
type History struct {
	ops   []porcupine.Operation
	last  []int64 // per client id: Return of its latest op; Infinity once it gave up
	stamp int64
}

// Stamp turns the simulated time of a call or return (ns) into a
// timestamp strictly greater than every earlier one. Events at the same
// instant thus keep the order they happened in: with porcupine's closed
// intervals, equal stamps would make a client's consecutive operations
// concurrent and weaken the check. Call it in event order.
func (h *History) Stamp(t int64) int64 {
	h.stamp = max(h.stamp+1, t)
	return h.stamp
}

// NewClient returns a fresh client id.
func (h *History) NewClient() int {
	h.last = append(h.last, -1)
	return len(h.last) - 1
}

// Add records a completed operation: called at call, answered at ret.
func (h *History) Add(client int, in Input, out Output, call, ret int64) {
	h.check(client, call)
	if ret < call || ret == Infinity {
		panic(fmt.Sprintf("model: client %d: return %d before call %d", client, ret, call))
	}
	h.last[client] = ret
	h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Output: out, Call: call, Return: ret})
}

// AddUnknown records an operation sent at call whose outcome was not
// seen, and returns the client id the client must use from now on. A
// read-only one is left out: it changed nothing and told nothing, and
// every operation open forever makes the check costlier.
func (h *History) AddUnknown(client int, in Input, call int64) int {
	h.check(client, call)
	h.last[client] = Infinity
	if !in.ReadOnly() {
		h.ops = append(h.ops, porcupine.Operation{ClientId: client, Input: in, Output: Unknown, Call: call, Return: Infinity})
	}
	return h.NewClient()
}

func (h *History) check(client int, call int64) {
	if client < 0 || client >= len(h.last) {
		panic(fmt.Sprintf("model: unknown client %d", client))
	}
	if call <= h.last[client] {
		panic(fmt.Sprintf("model: client %d called at %d before its previous operation returned (%d)", client, call, h.last[client]))
	}
}

// Operations returns the recorded history.
func (h *History) Operations() []porcupine.Operation { return h.ops }

// Len is the number of operations.
func (h *History) Len() int { return len(h.ops) }
