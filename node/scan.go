package node

import (
	"math"
	"strconv"
)

// The shared parts of Redis's scanGenericCommand, which serves SCAN,
// HSCAN, SSCAN and ZSCAN: the options, the start of the collection
// commands and the reply. The cursor is parseScanCursor (numeric.go).

const errInvalidCursor = "ERR invalid cursor"

// scanOptions are the parsed [MATCH pattern] [COUNT count] [TYPE type].
type scanOptions struct {
	count   int    // COUNT: elements (keys, fields, members) to aim for, default 10
	pattern []byte // MATCH; nil when every element matches ("*")
	typ     []byte // TYPE (SCAN only); nil when absent
}

// parseScanOptions parses the options after the cursor as
// scanGenericCommand: option names compared with strcasecmp (up to a NUL),
// COUNT a long of at least 1, TYPE only for SCAN (withType). It replies
// the error itself.
func parseScanOptions(c *Client, args [][]byte, withType bool) (scanOptions, bool) {
	opts := scanOptions{count: 10}
	for i := 0; i < len(args); i += 2 {
		more := len(args) - i
		switch {
		case optEqC(args[i], "count") && more >= 2:
			v, ok := parseInt(args[i+1])
			if !ok {
				c.addError(errNotInt)
				return opts, false
			}
			if v < 1 {
				c.addError(errSyntax)
				return opts, false
			}
			opts.count = int(min(v, math.MaxInt32))
		case optEqC(args[i], "match") && more >= 2:
			opts.pattern = args[i+1]
			if len(opts.pattern) == 1 && opts.pattern[0] == '*' {
				opts.pattern = nil
			}
		case optEqC(args[i], "type") && withType && more >= 2:
			opts.typ = args[i+1]
		default:
			c.addError(errSyntax)
			return opts, false
		}
	}
	return opts, true
}

// match reports whether an element passes MATCH.
func (o *scanOptions) match(s string) bool {
	return o.pattern == nil || GlobMatch(o.pattern, strBytes(s), false)
}

// collScanStart begins HSCAN, SSCAN and ZSCAN (key cursor [options]): it
// parses the cursor, looks the key up and parses the options, in Redis's
// order. ok is false when it has replied: an invalid cursor, WRONGTYPE,
// the empty scan of a missing key (whose options are not parsed) or an
// option error.
func (n *Node) collScanStart(c *Client, args [][]byte, t ObjType) (o *Object, cursor uint64, opts scanOptions, ok bool) {
	if cursor, ok = parseScanCursor(args[2]); !ok {
		c.addError(errInvalidCursor)
		return nil, 0, opts, false
	}
	if o, ok = n.lookupReadType(c, args[1], t); !ok {
		return nil, 0, opts, false
	}
	if o == nil {
		addScanReply(c, 0, nil)
		return nil, 0, opts, false
	}
	if opts, ok = parseScanOptions(c, args[3:], false); !ok {
		return nil, 0, opts, false
	}
	return o, cursor, opts, true
}

// addScanReply replies [cursor, items].
func addScanReply(c *Client, cursor uint64, items []string) {
	c.addArray(2)
	c.addBulkStr(strconv.FormatUint(cursor, 10))
	c.addStrings(items)
}
