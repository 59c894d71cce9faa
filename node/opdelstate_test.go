package node

import (
	"strings"
	"testing"
	"time"
)

// OPDEL sources survive a restart with their op ids and update times, go
// on guarding purges, and still expire after opdel-source-timeout counted
// from their last OPDEL (the expiry is persisted too).
func TestOPDELSourcesSurviveRestart(t *testing.T) {
	tc := newCluster(t)
	s := tc.add("s", "opdel-source-timeout", "100")
	id := s.connect()
	writeN(s, id, "k", 40, 20)
	s.want(id, `"OK"`, "OPDEL", "old", "3")
	tc.clock.ns += int64(60 * time.Second)
	s.want(id, `"OK"`, "OPDEL", "new one", "30")
	s.want(id, `"OK"`, "OPDEL", "gone", "5")
	s.want(id, `"OK"`, "OPDEL", "gone", "-1")
	before := []string{s.stat("oplog", "opdel_source_0"), s.stat("oplog", "opdel_source_1")}

	tc.stop(s)
	tc.restart(s)
	id = s.connect()
	if got := s.stat("oplog", "opdel_source_count"); got != "2" {
		t.Fatalf("opdel_source_count %s after the restart", got)
	}
	after := []string{s.stat("oplog", "opdel_source_0"), s.stat("oplog", "opdel_source_1")}
	if strings.Join(after, "|") != strings.Join(before, "|") {
		t.Fatalf("sources after the restart %q, before %q", after, before)
	}
	if !strings.HasPrefix(after[0], "source_name=new one,to_del_opid=30,") {
		t.Fatalf("opdel_source_0 %s", after[0])
	}
	if got := s.stat("oplog", "opdel_min_opid"); got != "3" {
		t.Fatalf("opdel_min_opid %s after the restart", got)
	}

	// 50 s later "old" (last OPDEL 110 s ago) expires; "new one" (50 s) stays.
	tc.clock.ns += int64(50 * time.Second)
	if got := s.stat("oplog", "opdel_min_opid"); got != "30" {
		t.Fatalf("opdel_min_opid %s after old's timeout", got)
	}
	tc.stop(s)
	tc.restart(s)
	if got := s.stat("oplog", "opdel_source_count"); got != "1" {
		t.Fatalf("the expired source came back: opdel_source_count %s", got)
	}
}

func TestDecodeOpdelSources(t *testing.T) {
	got, err := decodeOpdelSources([]byte("\"a b\" 3 100\n\"c\\n\" 4 5\n"))
	if err != nil || len(got) != 2 || got[0] != (opdelSource{"a b", 3, 100}) || got[1] != (opdelSource{"c\n", 4, 5}) {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"a 3 100\n", "\"a\" x 1\n", "\"a\" 0 1\n", "\"b\" 1 1\n\"a\" 1 1\n", "\"a\" 1\n"} {
		if _, err := decodeOpdelSources([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
