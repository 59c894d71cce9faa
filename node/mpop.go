package node

import "math"

// parseMpopArgs parses the "numkeys key... WHERE [COUNT count]" part of
// LMPOP, BLMPOP, ZMPOP and BZMPOP starting at args[idx], as Redis's
// lmpopGenericCommand and zmpopGenericCommand (the same code): WHERE is
// one of the two lower-case words (left/right, min/max), compared with
// strcasecmp like COUNT; count is 1 without COUNT. It replies the error
// itself.
func parseMpopArgs(c *Client, args [][]byte, idx int, first, second string) (keys [][]byte, isFirst bool, count int64, ok bool) {
	numkeys, ok := parseRangeLong(c, args[idx], 1, math.MaxInt64, "ERR numkeys should be greater than 0")
	if !ok {
		return nil, false, 0, false
	}
	if numkeys >= int64(len(args)-idx-1) {
		c.addError(errSyntax)
		return nil, false, 0, false
	}
	whereIdx := idx + int(numkeys) + 1
	switch {
	case optEqC(args[whereIdx], first):
		isFirst = true
	case optEqC(args[whereIdx], second):
	default:
		c.addError(errSyntax)
		return nil, false, 0, false
	}
	count = -1
	for j := whereIdx + 1; j < len(args); j++ {
		if count == -1 && optEqC(args[j], "count") && j < len(args)-1 {
			j++
			if count, ok = parseRangeLong(c, args[j], 1, math.MaxInt64, "ERR count should be greater than 0"); !ok {
				return nil, false, 0, false
			}
		} else {
			c.addError(errSyntax)
			return nil, false, 0, false
		}
	}
	if count == -1 {
		count = 1
	}
	return args[idx+1 : whereIdx], isFirst, count, true
}
