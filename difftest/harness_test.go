package difftest

import (
	"bufio"
	"strings"
	"testing"
)

// Tests of the harness itself (no server needed).

func TestReadValue(t *testing.T) {
	in := "+OK\r\n-ERR x\r\n:-12\r\n$3\r\na\r\n\r\n$-1\r\n*-1\r\n*2\r\n$1\r\nx\r\n*1\r\n:1\r\n*0\r\n"
	r := bufio.NewReader(strings.NewReader(in))
	want := []string{`OK`, `(error) ERR x`, `(integer) -12`, `"a\r\n"`, `(nil)`, `(nil array)`, `["x", [(integer) 1]]`, `[]`}
	for i, w := range want {
		v, err := readValue(r)
		if err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
		if got := v.String(); got != w {
			t.Errorf("value %d: got %s, want %s", i, got, w)
		}
	}
	for _, bad := range []string{"?x\r\n", ":1x\r\n", "$2\r\nabc\r\n", "*x\r\n", "+OK\n"} {
		if _, err := readValue(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func bulks(ss ...string) Value {
	v := Value{Kind: '*', Elems: []Value{}}
	for _, s := range ss {
		v.Elems = append(v.Elems, Value{Kind: '$', Str: s})
	}
	return v
}

func integer(s string) Value { return Value{Kind: ':', Str: s} }

func TestComparators(t *testing.T) {
	cases := []struct {
		name string
		f    cmpFn
		a, b Value
		ok   bool
	}{
		{"exact", exact, bulks("a", "b"), bulks("a", "b"), true},
		{"exact order", exact, bulks("a", "b"), bulks("b", "a"), false},
		{"sorted", sortedElems, bulks("a", "b", "a"), bulks("b", "a", "a"), true},
		{"sorted multiset", sortedElems, bulks("a", "b", "a"), bulks("b", "a", "b"), false},
		{"sorted vs error", sortedElems, bulks(), Value{Kind: '-', Str: "ERR"}, false},
		{"pairs", sortedPairs, bulks("f", "1", "g", "2"), bulks("g", "2", "f", "1"), true},
		{"pairs swapped values", sortedPairs, bulks("f", "1", "g", "2"), bulks("g", "1", "f", "2"), false},
		{"ttl close", tolerance(2), integer("100"), integer("99"), true},
		{"ttl far", tolerance(2), integer("100"), integer("90"), false},
		{"ttl none", tolerance(2), integer("-1"), integer("0"), false},
		{"shape", shape, bulks("1", "2"), bulks("3", "4"), true},
		{"shape len", shape, bulks("1", "2"), bulks("3"), false},
		{"exec", execCmp([]cmpFn{exact, sortedElems}), Value{Kind: '*', Elems: []Value{integer("1"), bulks("a", "b")}},
			Value{Kind: '*', Elems: []Value{integer("1"), bulks("b", "a")}}, true},
		{"exec differs", execCmp([]cmpFn{exact, sortedElems}), Value{Kind: '*', Elems: []Value{integer("1"), bulks("a", "b")}},
			Value{Kind: '*', Elems: []Value{integer("2"), bulks("b", "a")}}, false},
		{"unsub all", unsubAll,
			Value{Kind: '*', Elems: []Value{{Kind: '*', Elems: []Value{{Kind: '$', Str: "unsubscribe"}, {Kind: '$', Str: "a"}, integer("1")}},
				{Kind: '*', Elems: []Value{{Kind: '$', Str: "unsubscribe"}, {Kind: '$', Str: "b"}, integer("0")}}}},
			Value{Kind: '*', Elems: []Value{{Kind: '*', Elems: []Value{{Kind: '$', Str: "unsubscribe"}, {Kind: '$', Str: "b"}, integer("1")}},
				{Kind: '*', Elems: []Value{{Kind: '$', Str: "unsubscribe"}, {Kind: '$', Str: "a"}, integer("0")}}}}, true},
	}
	for _, c := range cases {
		if msg := c.f(c.a, c.b); (msg == "") != c.ok {
			t.Errorf("%s: ok=%v, message %q", c.name, msg == "", msg)
		}
	}
}

func TestRandSpec(t *testing.T) {
	src := map[string]string{"a": "1", "b": "2", "c": "3"}
	cases := []struct {
		spec randSpec
		v    Value
		ok   bool
	}{
		{randSpec{src: src}, Value{Kind: '$', Str: "a"}, true},
		{randSpec{src: src}, Value{Kind: '$', Str: "z"}, false},
		{randSpec{src: src, distinct: true, count: 2, hasCount: true}, bulks("a", "c"), true},
		{randSpec{src: src, distinct: true, count: 2, hasCount: true}, bulks("a", "a"), false},
		{randSpec{src: src, distinct: true, count: 5, hasCount: true}, bulks("a", "b", "c"), true},
		{randSpec{src: src, distinct: true, count: 5, hasCount: true}, bulks("a", "b"), false},
		{randSpec{src: src, count: 4, hasCount: true}, bulks("a", "a", "b", "a"), true},
		{randSpec{src: src, pairs: true, count: 1, hasCount: true, distinct: true}, bulks("b", "2"), true},
		{randSpec{src: src, pairs: true, count: 1, hasCount: true, distinct: true}, bulks("b", "3"), false},
		{randSpec{src: map[string]string{}, count: 3, hasCount: true}, bulks(), true},
	}
	for i, c := range cases {
		if msg := c.spec.check(c.v); (msg == "") != c.ok {
			t.Errorf("case %d: ok=%v, message %q", i, msg == "", msg)
		}
	}
}
