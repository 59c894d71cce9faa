package node

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"opdis/aofbinlog"
)

// The OPDEL sources survive a restart: every change (a registration, an
// update, a drop, an expiry) rewrites a small side file atomically
// (aofbinlog.WriteFileAtomic), and Load reads it back. A line per source,
// `<quoted name> <opid> <last update, unix seconds>`, so a source keeps
// its age across the restart and opdel-source-timeout still counts from
// its last OPDEL.

const opdelStateFile = "opdel.sources"

// saveOpdelSources writes the sources; an error is reported to the
// OPDEL that changed them (the change holds in memory meanwhile).
func (n *Node) saveOpdelSources() error {
	if n.env.FS == nil {
		return nil
	}
	var b []byte
	for _, s := range n.cons.opdel {
		b = strconv.AppendQuote(b, s.name)
		b = fmt.Appendf(b, " %d %d\n", s.opID, s.updated)
	}
	if err := aofbinlog.WriteFileAtomic(n.env.FS, opdelStateFile, b); err != nil {
		n.logf(LogWarning, "Saving the OPDEL sources: %v", err)
		return err
	}
	return nil
}

// loadOpdelSources reads the sources back at start-up.
func (n *Node) loadOpdelSources() error {
	if n.env.FS == nil {
		return nil
	}
	data, err := readWholeFile(n.env.FS, opdelStateFile)
	if err != nil {
		if aofbinlog.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("%s: %w", opdelStateFile, err)
	}
	srcs, err := decodeOpdelSources(data)
	if err != nil {
		return fmt.Errorf("%s: %w", opdelStateFile, err)
	}
	n.cons.opdel = srcs
	if len(srcs) > 0 {
		n.logf(LogNotice, "%d OPDEL sources loaded", len(srcs))
	}
	return nil
}

func decodeOpdelSources(data []byte) ([]opdelSource, error) {
	var out []opdelSource
	for i, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		s := string(line)
		j := strings.LastIndexByte(s, ' ')
		k := -1
		if j > 0 {
			k = strings.LastIndexByte(s[:j], ' ')
		}
		if k <= 0 {
			return nil, fmt.Errorf("line %d: %q", i+1, s)
		}
		name, err := strconv.Unquote(s[:k])
		opid, err1 := strconv.ParseInt(s[k+1:j], 10, 64)
		updated, err2 := strconv.ParseInt(s[j+1:], 10, 64)
		if err != nil || err1 != nil || err2 != nil || opid < 1 {
			return nil, fmt.Errorf("line %d: %q", i+1, s)
		}
		src := opdelSource{name: name, opID: opid, updated: updated}
		if len(out) > 0 && out[len(out)-1].name >= name {
			return nil, fmt.Errorf("line %d: source %q out of order", i+1, name)
		}
		out = append(out, src)
	}
	return out, nil
}
