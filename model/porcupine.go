package model

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// Infinity is the Return time of an operation whose outcome is unknown:
// it stays open forever, so the checker may place its effect anywhere
// after its call, or nowhere (porcupine issue #8). Give the client a new
// ClientId afterwards: its old one has an operation open forever.
const Infinity int64 = math.MaxInt64

// KV is one key of a State.
type KV struct{ Key, Val string }

// State is one key group's contents, sorted by key; a missing key is
// absent. States are never modified in place: Step returns new ones.
type State []KV

func (s State) get(key string) (string, bool) {
	for _, kv := range s {
		if kv.Key == key {
			return kv.Val, true
		}
	}
	return "", false
}

func (s State) String() string {
	parts := make([]string, len(s))
	for i, kv := range s {
		parts[i] = kv.Key + ": " + strconv.Quote(kv.Val)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// scratch is a mutable copy of a State that a step runs against.
type scratch struct{ kvs []KV }

func (s *scratch) get(key string) (string, bool) { return State(s.kvs).get(key) }

func (s *scratch) set(key, val string) {
	i, found := slices.BinarySearchFunc(s.kvs, key, func(kv KV, k string) int { return strings.Compare(kv.Key, k) })
	if found {
		s.kvs[i].Val = val
		return
	}
	s.kvs = slices.Insert(s.kvs, i, KV{key, val})
}

func (s *scratch) del(key string) bool {
	i, found := slices.BinarySearchFunc(s.kvs, key, func(kv KV, k string) int { return strings.Compare(kv.Key, k) })
	if found {
		s.kvs = slices.Delete(s.kvs, i, i+1)
	}
	return found
}

// Step is the sequential specification: whether out is a possible output
// of in on state, and the state after. An unknown output is always
// possible (the effect still applies: the checker decides where, if
// anywhere, the operation took place).
func Step(state State, in Input, out Output) (bool, State) {
	s := &scratch{kvs: slices.Clone(state)}
	got := apply(s, in)
	if !out.Unknown && !slices.Equal(got.Replies, out.Replies) {
		return false, state
	}
	return true, State(s.kvs)
}

func hashState(s State) uint64 {
	h := uint64(0xcbf29ce484222325)
	add := func(str string) {
		for i := 0; i < len(str); i++ {
			h = (h ^ uint64(str[i])) * 0x100000001b3
		}
		h = (h ^ 0xff) * 0x100000001b3 // separator: ("ab","c") ≠ ("a","bc")
	}
	for _, kv := range s {
		add(kv.Key)
		add(kv.Val)
	}
	return h
}

// Partition splits a history into independent parts: operations that
// touch the same key group (Group) end up together, and an operation that
// spans groups (which a correct workload never sends) joins them into
// one part rather than being checked against each separately. Parts come
// in order of their smallest group name, operations in history order.
func Partition(history []porcupine.Operation) [][]porcupine.Operation {
	index := map[string]int{} // group -> union-find node
	var parent []int
	var names []string
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	node := func(g string) int {
		if i, ok := index[g]; ok {
			return i
		}
		i := len(parent)
		index[g] = i
		parent = append(parent, i)
		names = append(names, g)
		return i
	}
	first := make([]int, len(history)) // each op's first group
	for i, op := range history {
		cmds := op.Input.(Input).Cmds
		if len(cmds) == 0 {
			panic("model: an operation with no command")
		}
		first[i] = node(Group(cmds[0].Key))
		for _, c := range cmds[1:] {
			a, b := find(first[i]), find(node(Group(c.Key)))
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	// Name each part by its smallest group, then order parts by name.
	partName := map[int]string{}
	for i, g := range names {
		r := find(i)
		if n, ok := partName[r]; !ok || g < n {
			partName[r] = g
		}
	}
	roots := make([]int, 0, len(partName))
	for r := range partName {
		roots = append(roots, r)
	}
	slices.SortFunc(roots, func(a, b int) int { return strings.Compare(partName[a], partName[b]) })
	slot := make(map[int]int, len(roots))
	for i, r := range roots {
		slot[r] = i
	}
	parts := make([][]porcupine.Operation, len(roots))
	for i, op := range history {
		p := slot[find(first[i])]
		parts[p] = append(parts[p], op)
	}
	return parts
}

// Model is the porcupine model of the checked commands: per key group,
// with DescribeOperation and DescribeState for the HTML visualization.
func Model() porcupine.Model {
	return porcupine.Model{
		Partition: Partition,
		Init:      func() interface{} { return State(nil) },
		Step: func(state, input, output interface{}) (bool, interface{}) {
			return Step(state.(State), input.(Input), output.(Output))
		},
		Equal: func(a, b interface{}) bool { return slices.Equal(a.(State), b.(State)) },
		Hash:  func(s interface{}) uint64 { return hashState(s.(State)) },
		DescribeOperation: func(input, output interface{}) string {
			return input.(Input).String() + " → " + output.(Output).String()
		},
		DescribeState: func(s interface{}) string { return s.(State).String() },
	}
}

// Check checks a history with Model, giving up after timeout (0: never).
// porcupine.Unknown means it gave up: count it as a failure to verify,
// not as a pass.
func Check(history []porcupine.Operation, timeout time.Duration) (porcupine.CheckResult, porcupine.LinearizationInfo) {
	return porcupine.CheckOperationsVerbose(Model(), history, timeout)
}
