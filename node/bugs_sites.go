package node

import (
	"slices"
	"strconv"

	"opdis/wire"
)

// Helpers of the deliberate fault sites (bugs_simbugs.go); unreachable in
// production builds, where bug is always false.

// forgeEpoch is the ignore-epoch site: it rewrites an opdis PSYNC's
// last_epoch to the epoch this node's own entry next_opid-1 carries, so
// the epoch rule (DESIGN §5) lets a replica with another history resume
// by AOF continue — the divergent tail of a deposed master survives.
func (n *Node) forgeEpoch(args [][]byte) [][]byte {
	if len(args) < 7 || n.aof.log == nil {
		return args
	}
	next, err := strconv.ParseInt(string(args[3]), 10, 64)
	if err != nil {
		return args
	}
	var h wire.Header
	ok := false
	if next == n.op.nextOpID {
		h, ok = wire.Header{Epoch: n.op.lastEpoch}, true
	} else {
		h, ok, _ = aofHistory{n.aof.log}.HeaderOf(next - 1)
	}
	if !ok {
		return args
	}
	args = slices.Clone(args)
	args[6] = strconv.AppendInt(nil, h.Epoch, 10)
	return args
}
