// Command opdis-aof inspects and restores an opdis AOF directory (DESIGN
// §4): the appendonly-inc-*.aof files listed in aof-inc.index, and the
// snapshot and AOF position named by rdb.index.
//
//	opdis-aof dump [--from OPID] [--to OPID] [--db N] [--raw] DIR
//	opdis-aof find OPID DIR
//	opdis-aof verify DIR
//	opdis-aof restore --to TARGET --from DIR --into NEWDIR
//	opdis-aof export-redis --from DIR --into NEWDIR [--to TARGET]
//
// TARGET is `opid:N` (keep every entry up to op id N) or an RFC 3339 time
// (keep every entry whose millisecond timestamp is at or before it).
//
// The source directory is only ever read: the log is opened with
// aofbinlog's ReadOnly option, so a torn tail is hidden, not cut. Output
// directories are written through aofbinlog's FS (node/osenv), each file
// fsynced and the index files replaced atomically, and are refused unless
// they are new or empty. Exit status: 0 ok, 1 failure (or, for verify and
// find, a problem found / op id not in the log), 2 usage.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand: its flags are defined by setup, main runs it
// with the positional arguments.
type command struct {
	name, args, summary, help string
	nargs                     int // positional arguments required
	setup                     func(fs *flag.FlagSet) func(env *cmdEnv, args []string) error
}

// cmdEnv is what a running subcommand writes to.
type cmdEnv struct {
	stdout, stderr io.Writer
	progress       bool // --progress, or stderr is a terminal
}

// errProblems is returned by a command that has already reported what is
// wrong (verify's problem list, find's "not in the log"): exit 1 with no
// further message.
var errProblems = errors.New("problems reported")

var commands = []*command{dumpCmd, findCmd, verifyCmd, restoreCmd, exportCmd}

const usageHead = `Usage: opdis-aof <command> [options] ...

Inspect, verify and restore an opdis AOF directory (aof-inc.index,
appendonly-inc-*.aof, rdb.index). The source directory is never modified.

Commands:
`

func usage(w io.Writer) {
	fmt.Fprint(w, usageHead)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "  help          this text; help COMMAND: that command's usage and options\n\nExit status: 0 ok, 1 failure or problems found, 2 usage error.\n")
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c := lookup(args[1])
			if c == nil {
				fmt.Fprintf(stderr, "opdis-aof: unknown command %q\n", args[1])
				return 2
			}
			c.usage(stdout)
			return 0
		}
		usage(stdout)
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "opdis-aof: unknown command %q (see opdis-aof help)\n", args[0])
		return 2
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	progress := fs.Bool("progress", false, "report progress on stderr (default: when stderr is a terminal)")
	exec := c.setup(fs)
	pos, err := parseInterspersed(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		c.usage(stdout)
		return 0
	}
	if err == nil && len(pos) != c.nargs {
		err = fmt.Errorf("want %d argument(s) (%s), got %d", c.nargs, c.args, len(pos))
	}
	if err != nil {
		fmt.Fprintf(stderr, "opdis-aof %s: %v\n", c.name, err)
		c.usage(stderr)
		return 2
	}
	env := &cmdEnv{stdout: stdout, stderr: stderr, progress: *progress || isTerminal(stderr)}
	if err := exec(env, pos); err != nil {
		var ue usageError
		switch {
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "opdis-aof %s: %v\n", c.name, err)
			c.usage(stderr)
			return 2
		case !errors.Is(err, errProblems):
			fmt.Fprintf(stderr, "opdis-aof %s: %v\n", c.name, err)
		}
		return 1
	}
	return 0
}

// usageError is a bad flag value found after parsing: exit 2.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func (c *command) usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: opdis-aof %s %s\n\n%s\n", c.name, c.args, strings.TrimSpace(c.help))
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.setup(fs)
	fs.Bool("progress", false, "report progress on stderr (default: when stderr is a terminal)")
	fmt.Fprintln(w, "\nOptions:")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments (`dump DIR --from 5` as well as `dump --from 5
// DIR`); "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
