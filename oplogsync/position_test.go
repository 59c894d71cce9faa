package oplogsync

import "testing"

// Issue 6: source A (server-id 1) logs its own entry 78, then four of
// B's (server-id 2) that it applied, 79..82. The consumer A→B copies 78,
// reads on to 83 (79..82 are not A's own), and B's applied op id for A
// stays 78. Were 83 registered, A could purge 79..82 and a new session,
// resuming at 79, would find its start gone; Keep registers 79.
func TestKeepIsWhereANewSessionStarts(t *testing.T) {
	dst := Info{Applied: map[int64]int64{1: 78}}
	if got := Keep(83, dst, 1); got != 79 {
		t.Fatalf("Keep(83) with 78 applied = %d, want 79", got)
	}
	if got := Keep(79, dst, 1); got != 79 {
		t.Fatalf("Keep(79) = %d", got)
	}
	// Nothing of A's applied yet: a new session starts at the
	// registration itself, so the position is kept as it is.
	if got := Keep(83, Info{Applied: map[int64]int64{2: 500}}, 1); got != 83 {
		t.Fatalf("Keep(83) with nothing of A's applied = %d, want 83", got)
	}
	// Whatever the consumer registered, the next session starts there.
	src := Info{MinValidOpID: 79, Registered: map[string]int64{"c": 79}}
	if pos, gap := Start(dst, src, 1, "c"); pos != 79 || gap != nil {
		t.Fatalf("Start = %d, %v", pos, gap)
	}
}

func TestStart(t *testing.T) {
	applied := Info{Applied: map[int64]int64{1: 78}}
	none := Info{Applied: map[int64]int64{}}
	for _, tc := range []struct {
		name    string
		dst     Info
		src     Info
		pos     int64
		gap     *Gap
		comment string
	}{
		{"after applied", applied, Info{MinValidOpID: 10}, 79, nil, "resumes after the last applied"},
		{"applied purged", applied, Info{MinValidOpID: 90}, 90, &Gap{79, 90}, "79..89 are gone"},
		{"fresh", none, Info{MinValidOpID: 1}, 1, nil, "from the beginning"},
		{"fresh, source purged before", none, Info{MinValidOpID: 40}, 40, &Gap{1, 40}, "a purge before any registration"},
		{"registered, nothing applied", none, Info{MinValidOpID: 40, Registered: map[string]int64{"c": 55}}, 55, nil, "an earlier session read to 55 and found nothing of 1's"},
		{"registered elsewhere", none, Info{MinValidOpID: 40, Registered: map[string]int64{"other": 55}}, 40, &Gap{1, 40}, "another consumer's registration vouches for nothing"},
		{"registration purged", none, Info{MinValidOpID: 60, Registered: map[string]int64{"c": 55}}, 60, &Gap{55, 60}, "expired or dropped, then purged"},
	} {
		pos, gap := Start(tc.dst, tc.src, 1, "c")
		if pos != tc.pos || (gap == nil) != (tc.gap == nil) || (gap != nil && *gap != *tc.gap) {
			t.Errorf("%s (%s): Start = %d, %v; want %d, %v", tc.name, tc.comment, pos, gap, tc.pos, tc.gap)
		}
	}
}
