package main

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	sample(t, dir)
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (code 0) or stderr
	}{
		{nil, 2, "Usage: opdis-aof <command>"},
		{[]string{"help"}, 0, "export-redis"},
		{[]string{"help", "restore"}, 0, "Usage: opdis-aof restore --to TARGET --from DIR --into NEWDIR"},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"dump", "-h"}, 0, "--raw"},
		{[]string{"dump"}, 2, "want 1 argument(s)"},
		{[]string{"dump", dir, dir}, 2, "want 1 argument(s)"},
		{[]string{"dump", "--bogus", dir}, 2, "flag provided but not defined: -bogus"},
		{[]string{"dump", "--from", "x", dir}, 2, "invalid value"},
		{[]string{"find", "1"}, 2, "want 2 argument(s)"},
		{[]string{"verify", filepath.Join(dir, "missing")}, 1, "no such file"},
		{[]string{"export-redis", "--from", dir}, 2, "--from and --into are required"},
		{[]string{"dump", "--", dir}, 0, "1 2023-11-14T22:13:20.000Z"},
	} {
		out, errOut, code := runTool(t, tc.args...)
		text := errOut
		if code == 0 {
			text = out
		}
		if code != tc.code || !strings.Contains(text, tc.out) {
			t.Errorf("%q: exit %d, want %d with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.code, tc.out, out, errOut)
		}
	}
}

// TestBinary builds opdis-aof and runs it as a user would.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "opdis-aof")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	sample(t, dir)
	exitCode := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	out, err := exec.Command(bin, "verify", dir).CombinedOutput()
	if exitCode(err) != 0 || !strings.Contains(string(out), "entries: 40, op ids 1 to 40") {
		t.Errorf("verify: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "find", "33", dir).Output()
	if exitCode(err) != 0 || !strings.Contains(string(out), `33 2023-11-14T22:13:28.000Z db=0 sid=42 epoch=7 "set" "k33" "v33"`) {
		t.Errorf("find 33: %v\n%s", err, out)
	}
	if _, err := exec.Command(bin, "find", "41", dir).Output(); exitCode(err) != 1 {
		t.Errorf("find 41: %v, want exit 1", err)
	}
	if _, err := exec.Command(bin).Output(); exitCode(err) != 2 {
		t.Errorf("no arguments: %v, want exit 2", err)
	}
	dst := filepath.Join(t.TempDir(), "new")
	out, err = exec.Command(bin, "restore", "--from", dir, "--into", dst, "--to", "opid:12", "--progress").CombinedOutput()
	if exitCode(err) != 0 || !strings.Contains(string(out), "restore: ") || !strings.Contains(string(out), "12 entries (op ids 1 to 12)") {
		t.Errorf("restore: %v\n%s", err, out)
	}
}
