package main

import (
	"fmt"
	"io"
	"time"
)

// progress reports a long run on stderr at most once a second: bytes done
// of the total and entries per second. A terminal gets one line rewritten
// in place; anything else (--progress into a file) gets one line per
// report. A final line is always written by done, so even a run shorter
// than a second shows its totals. A nil *progress reports nothing.
type progress struct {
	w       io.Writer
	what    string
	tty     bool
	total   int64
	bytes   int64
	entries int64
	start   time.Time
	last    time.Time
}

func newProgress(env *cmdEnv, what string, total int64) *progress {
	if !env.progress {
		return nil
	}
	now := time.Now()
	return &progress{w: env.stderr, what: what, tty: isTerminal(env.stderr), total: total, start: now, last: now}
}

// add counts work done and reports if a second has passed.
func (p *progress) add(bytes, entries int64) {
	if p == nil {
		return
	}
	p.bytes += bytes
	p.entries += entries
	if p.entries&255 != 0 && entries != 0 {
		return // look at the clock once per 256 entries
	}
	if now := time.Now(); now.Sub(p.last) >= time.Second {
		p.last = now
		p.report(now, false)
	}
}

// done writes the final report.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.report(time.Now(), true)
}

func (p *progress) report(now time.Time, final bool) {
	secs := now.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.entries) / secs
	}
	pct := ""
	if p.total > 0 {
		pct = fmt.Sprintf(" (%.0f%%)", 100*float64(p.bytes)/float64(p.total))
	}
	line := fmt.Sprintf("%s: %s / %s bytes%s, %d entries, %.0f entries/s", p.what, mib(p.bytes), mib(p.total), pct, p.entries, rate)
	switch {
	case !p.tty:
		fmt.Fprintln(p.w, line)
	case final:
		fmt.Fprintf(p.w, "\r%s\x1b[K\n", line)
	default:
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	}
}

// mib renders a byte count exactly and in MiB.
func mib(n int64) string {
	return fmt.Sprintf("%d (%.1f MiB)", n, float64(n)/(1<<20))
}
