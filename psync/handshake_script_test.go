package psync

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestHandshakeScripts replays the scripted exchanges in
// testdata/handshake: every byte the replica must send (out), every byte
// the master sends (in), and every event and state that must follow, in
// order. Anything the handshake sends or reports that the script does not
// expect fails the test.
//
//	config port=6380 auth=pw user=u ip=1.2.3.4 replid=<id> offset=<n> opdis=<next_opid>,<server_id>,<epoch>
//	connect | close
//	in "<go-quoted bytes>"
//	out "<go-quoted bytes>"
//	event <Event.String()>
//	state <State.String()>
func TestHandshakeScripts(t *testing.T) {
	files, _ := filepath.Glob("testdata/handshake/*.txt")
	if len(files) < 10 {
		t.Fatalf("found only %d scripts", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".txt"), func(t *testing.T) { runScript(t, f) })
	}
}

func runScript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var (
		h      *Handshake
		out    []byte
		events []Event
	)
	settled := func(where string) {
		t.Helper()
		if len(out) > 0 {
			t.Fatalf("%s: unexpected output %q", where, out)
		}
		if len(events) > 0 {
			t.Fatalf("%s: unexpected event %q", where, events[0].String())
		}
	}
	for n, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		where := file + ":" + strconv.Itoa(n+1)
		verb, arg, _ := strings.Cut(line, " ")
		quoted := func() []byte {
			s, err := strconv.Unquote(arg)
			if err != nil {
				t.Fatalf("%s: bad quoted string %s: %v", where, arg, err)
			}
			return []byte(s)
		}
		if verb != "config" && h == nil {
			h = NewHandshake(Config{ListeningPort: 6380})
		}
		switch verb {
		case "config":
			h = NewHandshake(parseScriptConfig(t, where, arg))
		case "connect":
			settled(where)
			h.Connected()
			out = append(out, h.Output()...)
		case "in":
			settled(where)
			events = append(events, h.Feed(quoted())...)
			out = append(out, h.Output()...)
		case "close":
			settled(where)
			events = append(events, h.Closed()...)
		case "out":
			want := quoted()
			if !bytes.HasPrefix(out, want) {
				t.Fatalf("%s: output\n got %q\nwant %q", where, out, want)
			}
			out = out[len(want):]
		case "event":
			if len(events) == 0 {
				t.Fatalf("%s: no event, want %q", where, arg)
			}
			if got := events[0].String(); got != arg {
				t.Fatalf("%s: event\n got %s\nwant %s", where, got, arg)
			}
			events = events[1:]
		case "state":
			if got := h.State().String(); got != arg {
				t.Fatalf("%s: state %s, want %s", where, got, arg)
			}
		default:
			t.Fatalf("%s: unknown directive %q", where, verb)
		}
	}
	settled("end of script")
}

func parseScriptConfig(t *testing.T, where, arg string) Config {
	var c Config
	num := func(s string) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		return n
	}
	for _, kv := range strings.Fields(arg) {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "port":
			c.ListeningPort = num(v)
		case "auth":
			c.MasterAuth = v
		case "user":
			c.MasterUser = v
		case "ip":
			c.AnnounceIP = v
		case "replid":
			c.ReplID = v
		case "offset":
			c.ReplOffset = num(v)
		case "opdis":
			f := strings.Split(v, ",")
			if len(f) != 3 {
				t.Fatalf("%s: opdis=<next_opid>,<server_id>,<epoch>", where)
			}
			c.Opdis = &OpdisPSYNC{NextOpID: num(f[0]), ServerID: num(f[1]), LastEpoch: num(f[2])}
		default:
			t.Fatalf("%s: unknown config %q", where, k)
		}
	}
	return c
}
