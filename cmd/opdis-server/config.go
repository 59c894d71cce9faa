package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"opdis/node"
	"opdis/wire"
)

// configError is a configuration Redis would refuse at startup. It prints
// like Redis's "FATAL CONFIG FILE ERROR" report.
type configError struct {
	line int    // 1-based line in the combined configuration; 0 if none
	text string // the offending directive as Redis shows it
	msg  string
}

func (e *configError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n*** FATAL CONFIG FILE ERROR (opdis, Redis %s compatible) ***\n", redisVersion)
	if e.line > 0 {
		fmt.Fprintf(&b, "Reading the configuration file, at line %d\n", e.line)
		fmt.Fprintf(&b, ">>> '%s'\n", e.text)
	}
	b.WriteString(e.msg)
	b.WriteByte('\n')
	return b.String()
}

// fatalError is a startup failure that is not about one directive (a config
// file that cannot be read).
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

// directive is one `name value…` line of the configuration.
type directive struct {
	line int
	text string
	args []string
}

// loader applies directives to a Config in order, as Redis's
// loadServerConfigFromString does.
type loader struct {
	cfg       node.Config
	saveReset bool // the first save directive replaces the default
	depth     int  // include nesting
}

// parseArgs turns a redis-server style command line (without the program
// name) into a configuration: an optional config file first, then
// `--name value…` options applied after it in order.
func parseArgs(args []string) (node.Config, error) {
	ld := &loader{cfg: node.DefaultConfig()}
	content := ""
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file = args[0]
		args = args[1:]
	}
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return ld.cfg, &fatalError{fmt.Sprintf("Fatal error, can't open config file '%s': %s", file, errText(err))}
		}
		content = string(data)
	}
	dirs, err := fileDirectives(content)
	if err != nil {
		return ld.cfg, err
	}
	// Options continue the line numbering after the file, the way Redis
	// appends them to the file's text before parsing.
	first := len(strings.Split(content, "\n"))
	for i, d := range optionDirectives(args) {
		d.line = first + i + 1
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := ld.apply(d); err != nil {
			return ld.cfg, err
		}
	}
	return ld.cfg, nil
}

// fileDirectives splits a config file's text into directives.
func fileDirectives(content string) ([]directive, error) {
	var out []directive
	for i, raw := range strings.Split(content, "\n") {
		line := strings.Trim(raw, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		parts, ok := wire.SplitArgs([]byte(line))
		if !ok {
			return nil, &configError{i + 1, line, "Unbalanced quotes in configuration line"}
		}
		if len(parts) == 0 {
			continue
		}
		d := directive{line: i + 1, text: line}
		for _, p := range parts {
			d.args = append(d.args, string(p))
		}
		out = append(out, d)
	}
	return out, nil
}

// optionDirectives groups `--name v1 v2 --other v` into directives. A
// value never starts with "--"; `--save` alone means `save ""`.
func optionDirectives(args []string) []directive {
	var out []directive
	for _, a := range args {
		if strings.HasPrefix(a, "--") || len(out) == 0 {
			out = append(out, directive{args: []string{strings.TrimPrefix(a, "--")}})
			continue
		}
		d := &out[len(out)-1]
		d.args = append(d.args, a)
	}
	for i := range out {
		d := &out[i]
		if len(d.args) == 1 && strings.EqualFold(d.args[0], "save") {
			d.args = append(d.args, "")
		}
		var b strings.Builder
		b.WriteString(d.args[0])
		for _, v := range d.args[1:] {
			b.WriteByte(' ')
			b.WriteString(wire.Repr(v))
		}
		d.text = b.String()
	}
	return out
}

const (
	errBadDirective = "Bad directive or wrong number of arguments"
	errWrongArgs    = "wrong number of arguments"
)

func (ld *loader) apply(d directive) error {
	name := strings.ToLower(d.args[0])
	vals := d.args[1:]
	fail := func(msg string) error { return &configError{d.line, d.text, msg} }
	switch name {
	case "include":
		if len(vals) != 1 {
			return fail(errBadDirective)
		}
		return ld.include(vals[0])
	case "save":
		return ld.save(vals, fail)
	case "bind", "client-output-buffer-limit", "latency-tracking-info-percentiles":
		// Multi-word values (bind may even be empty: nothing listens).
		return ld.set(name, strings.Join(vals, " "), fail)
	case "replicaof", "slaveof":
		if len(vals) == 1 {
			vals = strings.Fields(vals[0])
		}
		if len(vals) != 2 {
			return fail(errWrongArgs)
		}
		if _, err := strconv.ParseUint(vals[1], 10, 16); err != nil {
			return fail("Invalid master port")
		}
		return ld.set("replicaof", vals[0]+" "+vals[1], fail)
	}
	if _, known := ld.cfg.Get(name); !known {
		return fail(errBadDirective)
	}
	if len(vals) != 1 {
		return fail(errWrongArgs)
	}
	if err := ld.set(name, vals[0], fail); err != nil {
		return err
	}
	if name == "daemonize" && ld.cfg.Daemonize {
		return fail("daemonize yes is not supported: opdis-server stays in the foreground (run it under a supervisor such as systemd)")
	}
	return nil
}

func (ld *loader) set(name, value string, fail func(string) error) error {
	switch err := ld.cfg.Set(name, value, true).(type) {
	case nil:
		return nil
	case *node.ConfigError:
		return fail(err.Msg)
	default:
		if err == node.ErrUnknownParam {
			return fail(errBadDirective)
		}
		return fail(err.Error())
	}
}

// save applies Redis 7.0's save directive: `save ""` clears the save
// points; otherwise the pairs are validated and appended, except that the
// first save directive replaces the default points.
func (ld *loader) save(vals []string, fail func(string) error) error {
	if len(vals) == 1 && vals[0] == "" {
		ld.saveReset = true
		return ld.set("save", "", fail)
	}
	if len(vals) == 1 {
		// A multi-argument option given as one value (`--save "3600 1"`)
		// is split at spaces, as Redis 7.0's MULTI_ARG_CONFIG.
		vals = strings.Fields(vals[0])
	}
	if len(vals) == 0 || len(vals)%2 != 0 {
		return fail("Invalid save parameters")
	}
	for i, v := range vals {
		// seconds must be at least 1, changes at least 0
		if n, err := strconv.ParseInt(v, 10, 64); err != nil || n < int64(1-i%2) {
			return fail("Invalid save parameters")
		}
	}
	value := strings.Join(vals, " ")
	if ld.saveReset && ld.cfg.Save != "" {
		value = ld.cfg.Save + " " + value
	}
	ld.saveReset = true
	return ld.set("save", value, fail)
}

func (ld *loader) include(path string) error {
	if ld.depth >= 16 {
		return &fatalError{fmt.Sprintf("Fatal error, too many nested includes at '%s'", path)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &fatalError{fmt.Sprintf("Fatal error, can't open config file '%s': %s", path, errText(err))}
	}
	dirs, err := fileDirectives(string(data))
	if err != nil {
		return err
	}
	ld.depth++
	defer func() { ld.depth-- }()
	for _, d := range dirs {
		if err := ld.apply(d); err != nil {
			return err
		}
	}
	return nil
}

// errText is an OS error's reason without Go's "open <path>:" prefix,
// like strerror.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		err = pe.Err
	}
	s := err.Error()
	if s != "" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}
