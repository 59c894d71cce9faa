package sim

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Seed files (testdata/seeds/*.seeds) keep the seeds that once failed, as
// regression cases that go test replays. The format is line based:
//
//	# A comment block right above a seed line is that seed's note: what
//	# failed, the diagnosis, the fix.
//	-seed=57 -fsync=everysec
//
// A seed line is the flags of the opdis-sim command that replays it:
// -seed=N, then any option overrides as -name=value. Blank lines end a
// note. Seeds rot as the code changes (a seed replays the same scenario
// only while the simulator draws the same way); the note says what the
// scenario was meant to reach.

// SeedEntry is one seed line.
type SeedEntry struct {
	Seed      uint64
	Overrides []string // "name=value"
	Note      string
	File      string
	Line      int
}

// ReadSeedFile parses a seed file.
func ReadSeedFile(path string) ([]SeedEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []SeedEntry
	var note []string
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			note = nil
			continue
		case strings.HasPrefix(line, "#"):
			note = append(note, strings.TrimSpace(strings.TrimPrefix(line, "#")))
			continue
		}
		e, err := parseSeedLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, ln, err)
		}
		e.Note, e.File, e.Line = strings.Join(note, "\n"), path, ln
		note = nil
		o := Draw(e.Seed)
		if err := o.Apply(e.Overrides); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, ln, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}

func parseSeedLine(line string) (SeedEntry, error) {
	var e SeedEntry
	seen := false
	for _, tok := range strings.Fields(line) {
		name, value, ok := strings.Cut(strings.TrimPrefix(tok, "-"), "=")
		if !strings.HasPrefix(tok, "-") || !ok {
			return e, fmt.Errorf("%q is not -name=value", tok)
		}
		if name == "seed" {
			n, err := strconv.ParseUint(value, 10, 64)
			if err != nil {
				return e, fmt.Errorf("bad seed %q", value)
			}
			e.Seed, seen = n, true
			continue
		}
		e.Overrides = append(e.Overrides, name+"="+value)
	}
	if !seen {
		return e, fmt.Errorf("no -seed=N on the line")
	}
	return e, nil
}
