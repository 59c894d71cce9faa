package node

import (
	"fmt"
	"slices"
	"testing"
)

// The expected values below are what redis-server 7.0.15 reported (INFO
// latencystats, LATENCY HISTOGRAM) for commands whose runs took these many
// microseconds; the differential test (difftest/infostats_test.go) checks
// the rest against a live server, where durations cannot be chosen.

func histOf(us ...int64) *Command {
	cmd := &Command{}
	for _, u := range us {
		cmd.recordLatency(u)
	}
	return cmd
}

func TestLatencyPercentilesLikeRedis(t *testing.T) {
	for _, tc := range []struct {
		us   []int64
		p    float64
		want string
	}{
		{[]int64{2}, 50, "2.007"}, {[]int64{3}, 50, "3.007"}, {[]int64{6}, 50, "6.015"},
		{[]int64{7}, 50, "7.007"}, {[]int64{12}, 50, "12.031"}, {[]int64{14}, 50, "14.015"},
		{[]int64{36}, 50, "36.095"}, {[]int64{38}, 50, "38.143"}, {[]int64{42}, 50, "42.239"},
		{[]int64{48}, 50, "48.127"}, {[]int64{64}, 99.9, "64.255"},
		// Percentile 0 is the sub-bucket's lowest value, any other its
		// highest; a rank rounding to 0 takes the first run.
		{[]int64{4, 7, 12}, 0, "4.000"}, {[]int64{4, 7, 12}, 10, "4.015"},
		{[]int64{4, 7, 12}, 50.5, "7.007"}, {[]int64{4, 7, 12}, 99.99, "12.031"},
		{[]int64{4, 7, 12}, 100, "12.031"}, {[]int64{2, 3, 5}, 50, "3.007"},
		{[]int64{600_000, 1_200_000}, 50, "603979.775"}, {[]int64{600_000, 1_200_000}, 99, "1002438.655"},
	} {
		h := histOf(tc.us...).latency
		if got := fmt.Sprintf("%.3f", float64(h.valueAtPercentile(tc.p))/1000); got != tc.want {
			t.Errorf("runs %v µs, p%v: %s, want %s", tc.us, tc.p, got, tc.want)
		}
	}
}

func TestLatencyCDFLikeRedis(t *testing.T) {
	for _, tc := range []struct {
		us   []int64
		want []int64 // µs, cumulative, ...
	}{
		{[]int64{2, 3, 5}, []int64{2, 1, 4, 2, 8, 3}},
		{[]int64{36}, []int64{66, 1}},
		{[]int64{8}, []int64{8, 1}},
		{[]int64{0, 1}, []int64{1, 2}},                     // below 1 µs counts as 1 ns
		{[]int64{600_000, 1_200_000}, []int64{1073741, 2}}, // past 2^29 ns; above 1 s counts as 1 s
	} {
		usec, cum := histOf(tc.us...).latency.cdf()
		var got []int64
		for i := range usec {
			got = append(got, usec[i], cum[i])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("runs %v µs: histogram_usec %v, want %v", tc.us, got, tc.want)
		}
	}
}

func TestHistIndexCoversRange(t *testing.T) {
	// Every value maps into the counts and inside its own range.
	for _, v := range []int64{histMin, 255, 256, 257, 1000, 1023, 1024, 65535, 1 << 29, histMax} {
		i := histIndex(v)
		lo, size := histRange(i)
		if i < 0 || i >= histLen || v < lo || v >= lo+size {
			t.Errorf("value %d: index %d, range [%d, %d)", v, i, lo, lo+size)
		}
	}
}

func TestPercentileNames(t *testing.T) {
	// CONFIG GET latency-tracking-info-percentiles after setting
	// "99.99999999 0.0000001 1.5e-3 +5 050 0x10" on redis-server 7.0.15.
	got := showPercentiles("99.99999999 0.0000001 1.5e-3 +5 050 0x10")
	if want := "100 0 0.0015 5 50 16"; got != want {
		t.Errorf("shown as %q, want %q", got, want)
	}
	for _, bad := range []string{"50 abc", "50  99", " 50", "nan", "inf", "-1", "101"} {
		if _, err := parsePercentiles(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestErrorCodes(t *testing.T) {
	// Redis's afterErrorReply: the code ends at the first space within the
	// reply's first 32 bytes, '-' included; ERR without one.
	var s Stats
	for _, msg := range []string{"ERR x", "WRONGTYPE Operation", "nospace", "",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA fits", "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB too-far", " lead"} {
		s.countError(msg)
	}
	want := map[string]int64{"ERR": 4, "WRONGTYPE": 1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA": 1, "": 1}
	if fmt.Sprint(s.ErrorCodes) != fmt.Sprint(want) || s.TotalErrorReplies != 7 {
		t.Errorf("codes %v (total %d), want %v (7)", s.ErrorCodes, s.TotalErrorReplies, want)
	}
}
