package node

import "math"

// The shared parts of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a count.

// parseRandCount parses "count [WITHword]" (args[2:], at least the count)
// of HRANDFIELD (withvalues) and ZRANDMEMBER (withscores) as Redis: the
// count a long in [-LONG_MAX, LONG_MAX], then a syntax check of the rest,
// and with the pairs option |count| at most LONG_MAX/2. It replies the
// error itself.
func parseRandCount(c *Client, args [][]byte, withWord string) (count int64, with, ok bool) {
	count, ok = parseRangeLong(c, args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return 0, false, false
	}
	if len(args) > 4 || (len(args) == 4 && !optEqC(args[3], withWord)) {
		c.addError(errSyntax)
		return 0, false, false
	}
	if len(args) == 4 {
		if count < -math.MaxInt64/2 || count > math.MaxInt64/2 {
			c.addError("ERR value is out of range")
			return 0, false, false
		}
		with = true
	}
	return count, with, true
}

// randDistinct picks count distinct elements of a collection of size
// elements (count < size) the way Redis's SRANDMEMBER, HRANDFIELD and
// ZRANDMEMBER do: when count is close to the size, remove random elements
// from all() (the elements in table order); otherwise draw random()
// elements until count distinct ones (by key) were seen.
func randDistinct[T any](n *Node, size, count int, all func() []T, random func() T, key func(T) string) []T {
	if count*3 > size {
		elems := all()
		for len(elems) > count {
			i := n.randN(len(elems))
			elems[i] = elems[len(elems)-1]
			elems = elems[:len(elems)-1]
		}
		return elems
	}
	seen := make(map[string]struct{}, count)
	out := make([]T, 0, count)
	for len(out) < count {
		x := random()
		if _, dup := seen[key(x)]; dup {
			continue
		}
		seen[key(x)] = struct{}{}
		out = append(out, x)
	}
	return out
}

// sameString is the key of a string element for randDistinct.
func sameString(s string) string { return s }
