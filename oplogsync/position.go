package oplogsync

import "fmt"

// Where a consumer session starts, and what it registers with OPDEL.
//
// A session resumes from the destination's applied op id for the source
// (the op id of the last of the source's own entries it applied), but it
// reads on past entries it does not copy (other server-ids: filtered out
// by MATCHID, or answered +IGNORED). Registering how far it read would let
// the source purge those entries, and a new session, starting again after
// the last applied one, would find its start gone (issue 6). So a consumer
// registers where a new session would resume (Keep), and a new session
// that still finds its start gone (the source purged it before any
// registration of this consumer covered it) reports a Gap instead of
// skipping silently.

// Gap is a run of the source's op ids [From, To) purged before the
// consumer copied them: the destination misses whatever of the source's
// own writes they held, and only a full copy repairs it.
type Gap struct{ From, To int64 }

func (g Gap) Error() string {
	return fmt.Sprintf("the source purged op ids %d..%d before they were copied: the destination may miss writes of the source (copy its dataset to repair)", g.From, g.To-1)
}

// Start is where a session copying source sid's own entries begins, given
// the destination's and the source's INFO oplog and the consumer's OPDEL
// name: after the last entry dst applied, else at this consumer's
// registration (an earlier session that copied nothing of sid's vouched
// for what precedes it), else at op id 1. If the source no longer holds
// that op id, the session starts at its oldest entry and gap says what
// was lost.
func Start(dst, src Info, sid int64, name string) (pos int64, gap *Gap) {
	pos = 1
	if op, ok := dst.Applied[sid]; ok {
		pos = op + 1
	} else if r, ok := src.Registered[name]; ok {
		pos = r
	}
	if pos < src.MinValidOpID {
		return src.MinValidOpID, &Gap{From: pos, To: src.MinValidOpID}
	}
	return pos, nil
}

// Keep is the op id a consumer reading at pos registers with OPDEL on
// the source: where a new session would start (Start), which is before
// pos when the entries since the last one dst applied are not sid's own.
// dst is the destination's latest INFO oplog.
func Keep(pos int64, dst Info, sid int64) int64 {
	if op, ok := dst.Applied[sid]; ok {
		return max(min(pos, op+1), 1)
	}
	return pos
}
