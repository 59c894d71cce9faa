package sim

import (
	"fmt"
	"testing"
	"time"

	"opdis/sim/trace"
)

// quietOptions turns every drawn fault and controller action off, so a
// scenario test drives the cluster itself; extra options come after.
var quietOptions = []string{"replicas=true", "repl-diskless=true", "repl-sync-delay=0",
	"kill=0", "power-loss=0", "midop-crash=0", "partition=0", "disk-fault=0", "clog=0", "reset=0", "clock-fault=0",
	"chain=0", "failover=0", "forced-failover=0", "snapshot=0", "aofflush=0", "purge=0", "repl-outage=0", "psync-race=0"}

// quietRunner returns a runner (with node logs kept when logs) on the
// quiet options and extra, and a step function that runs the loop until
// done holds or fails the test after deadline.
func quietRunner(t *testing.T, logs bool, extra ...string) (*runner, func(what string, deadline time.Duration, done func() bool)) {
	t.Helper()
	o := Draw(1)
	if err := o.Apply(append(append([]string(nil), quietOptions...), extra...)); err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(o, trace.New(trace.Options{}), logs, false)
	if err != nil {
		t.Fatal(err)
	}
	step := func(what string, deadline time.Duration, done func() bool) {
		t.Helper()
		if !r.l.RunUntilDone(r.l.Now()+deadline, done) {
			msg := ""
			if logs {
				for _, n := range r.c.Nodes() {
					msg += "\n" + n.Name + ": " + fmt.Sprintf("%q", n.Logs())
				}
			}
			t.Fatalf("@%v: %s did not happen within %v%s", r.l.Now(), what, deadline, msg)
		}
	}
	return r, step
}
