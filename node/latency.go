package node

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM).
// Redis 7.0 records every command's duration, in nanoseconds (its
// microseconds times 1000), in an HDR histogram tracking 1 ns to 1 s with 2
// significant figures. latencyHist has that histogram's exact bucket layout,
// so percentiles and the cumulative distribution come out as Redis's: 128
// linear sub-buckets per power of two, the first 256 values exact.
const (
	histSubHalfMag = 7                   // log2 of the sub-buckets in each half bucket
	histSubHalf    = 1 << histSubHalfMag // 128
	histBuckets    = 23                  // powers of two needed to reach 1e9 from 256
	histLen        = (histBuckets + 1) << histSubHalfMag
	histMin        = 1                                    // LATENCY_HISTOGRAM_MIN_VALUE (ns)
	histMax        = 1_000_000_000                        // LATENCY_HISTOGRAM_MAX_VALUE (ns)
	histSubMask    = 2*histSubHalf - 1                    // values below 256 fall in bucket 0
	histCDFFirst   = 1024                                 // LATENCY HISTOGRAM's first reporting level (ns)
	histTop        = 2 * histSubHalf << (histBuckets - 1) // the first value past the last bucket
)

// latencyHist is one command's histogram. A command gets one when it first
// runs (24 KB, as Redis allocates); recording is a few arithmetic operations.
type latencyHist struct {
	total  int64
	counts [histLen]int64
}

// histIndex is the counts index of value v (histMin <= v <= histMax).
func histIndex(v int64) int {
	bucket := bits.Len64(uint64(v)|histSubMask) - (histSubHalfMag + 1)
	sub := int(v >> uint(bucket))
	return (bucket+1)<<histSubHalfMag + sub - histSubHalf
}

// histRange is the lowest value counted at index i and the width of its
// range.
func histRange(i int) (lowest, size int64) {
	bucket := i>>histSubHalfMag - 1
	sub := int64(i&(histSubHalf-1)) + histSubHalf
	if bucket < 0 {
		sub -= histSubHalf
		bucket = 0
	}
	return sub << uint(bucket), 1 << uint(bucket)
}

// recordLatency adds a run of cmd that took us microseconds.
func (cmd *Command) recordLatency(us int64) {
	h := cmd.latency
	if h == nil {
		h = new(latencyHist)
		cmd.latency = h
	}
	ns := us * 1000
	if ns < histMin {
		ns = histMin
	} else if ns > histMax {
		ns = histMax
	}
	h.counts[histIndex(ns)]++
	h.total++
}

// valueAtPercentile is hdr_value_at_percentile as Redis 7.0.15 bundles it:
// the highest value of the sub-bucket holding the requested rank (at least
// the first), the lowest for percentile 0.
func (h *latencyHist) valueAtPercentile(p float64) int64 {
	want := int64(min(p, 100)/100*float64(h.total) + 0.5)
	want = max(want, 1)
	var seen int64
	for i, n := range h.counts {
		seen += n
		if seen >= want {
			lowest, size := histRange(i)
			if p == 0 {
				return lowest
			}
			return lowest + size - 1
		}
	}
	return 0
}

// cdf is LATENCY HISTOGRAM's histogram_usec: at each power-of-two level
// from 1024 ns, the highest value of the level's sub-bucket in µs and how
// many runs took at most that long, listed where the count grew (Redis's
// log iterator with base 2; a level past the last bucket, 2^30 ns, reports
// the last sub-bucket's highest value).
func (h *latencyHist) cdf() (usec, cum []int64) {
	var seen, prev int64
	i := 0
	for level := int64(histCDFFirst); seen < h.total; level *= 2 {
		last := histLen - 1 // a level past the last bucket counts everything
		if level < histTop {
			last = histIndex(level)
		}
		for ; i <= last; i++ {
			seen += h.counts[i]
		}
		if seen > prev {
			top := int64(histTop - 1) // past the range: the last sub-bucket's highest value
			if level < histTop {
				top = level + int64(1)<<uint(bits.Len64(uint64(level))-(histSubHalfMag+1)) - 1
			}
			usec = append(usec, top/1000)
			cum = append(cum, seen)
			prev = seen
		}
	}
	return usec, cum
}

// parsePercentiles reads latency-tracking-info-percentiles as Redis's
// config does: values split on single spaces, each a double (string2d) in
// [0, 100]; a lone "" is the empty list.
func parsePercentiles(v string) ([]float64, error) {
	if v == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(v, " ") {
		p, ok := parseFloat([]byte(f))
		if !ok {
			return nil, fmt.Errorf("Invalid latency-tracking-info-percentiles parameters")
		}
		if p > 100 || p < 0 {
			return nil, fmt.Errorf("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
		}
		out = append(out, p)
	}
	return out, nil
}

// percentileName is how Redis prints a percentile: %f without trailing
// zeros (trimDoubleString).
func percentileName(p float64) string {
	s := strconv.FormatFloat(p, 'f', 6, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// showPercentiles is CONFIG GET's form of latency-tracking-info-percentiles.
func showPercentiles(v string) string {
	ps, err := parsePercentiles(v)
	if err != nil {
		return v
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = percentileName(p)
	}
	return strings.Join(names, " ")
}

// mergePercentiles validates a new latency-tracking-info-percentiles value.
func mergePercentiles(cur, v string) (string, error) {
	if _, err := parsePercentiles(v); err != nil {
		return "", err
	}
	return v, nil
}

// infoLatencyStats writes INFO latencystats: each command with samples,
// at the configured percentiles, in µs with three decimals.
func (n *Node) infoLatencyStats(b *strings.Builder) {
	if !n.cfg.LatencyTracking {
		return
	}
	ps, _ := parsePercentiles(n.cfg.LatencyPercentiles)
	for _, cmd := range n.statCommands() {
		h := cmd.latency
		if h == nil || h.total == 0 {
			continue
		}
		b.WriteString("latency_percentiles_usec_")
		b.WriteString(cmd.Name)
		b.WriteByte(':')
		for j, p := range ps {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(b, "p%s=%.3f", percentileName(p), float64(h.valueAtPercentile(p))/1000)
		}
		b.WriteString("\r\n")
	}
}

// latencyHistogramCmd is LATENCY HISTOGRAM [command ...]: for each command
// (a container stands for its subcommands) with samples, its calls and
// cumulative distribution; without arguments every such command.
func latencyHistogramCmd(n *Node, c *Client, args [][]byte) {
	var cmds []*Command
	if len(args) == 2 {
		cmds = n.statCommands()
	} else {
		for _, a := range args[2:] {
			cmd := n.lookupCommandName(string(a))
			if cmd == nil {
				continue
			}
			if cmd.container {
				ct := n.container(cmd.Name)
				cmds = append(cmds, ct.direct)
				cmds = append(cmds, ct.subs...)
				continue
			}
			cmds = append(cmds, cmd)
		}
	}
	var live []*Command
	for _, cmd := range cmds {
		if cmd.latency != nil && cmd.latency.total > 0 {
			live = append(live, cmd)
		}
	}
	c.addArray(2 * len(live))
	for _, cmd := range live {
		c.addBulkStr(cmd.Name)
		c.addArray(4)
		c.addBulkStr("calls")
		c.addInt(cmd.latency.total)
		c.addBulkStr("histogram_usec")
		usec, cum := cmd.latency.cdf()
		c.addArray(2 * len(usec))
		for i := range usec {
			c.addInt(usec[i])
			c.addInt(cum[i])
		}
	}
}
