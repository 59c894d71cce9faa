package psync_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"opdis/psync"

	"pgregory.net/rapid"
)

// transcript is a master's whole side of a sync and what the replica
// must make of it.
type transcript struct {
	cfg    psync.Config
	master []byte
	rdb    []byte
	stream []byte
}

var mark = "f1b5a91d4d6ad523f2610114591c007e75d15084"

func drawTranscript(t *rapid.T) transcript {
	var tr transcript
	tr.cfg.ListeningPort = rapid.Int64Range(1, 65535).Draw(t, "port")
	if rapid.Bool().Draw(t, "auth") {
		tr.cfg.MasterAuth = "pw"
	}
	if rapid.Bool().Draw(t, "ip") {
		tr.cfg.AnnounceIP = "10.0.0.1"
	}
	if rapid.Bool().Draw(t, "opdis") {
		tr.cfg.Opdis = &psync.OpdisPSYNC{NextOpID: 5, ServerID: 1, LastEpoch: 9}
	}
	m := []byte("+PONG\r\n")
	n := 2 // port, capa
	if tr.cfg.MasterAuth != "" {
		n++
	}
	if tr.cfg.AnnounceIP != "" {
		n++
	}
	reply := rapid.SampledFrom([]string{"+OK\r\n", "+OK\n", "-ERR Unrecognized REPLCONF option\r\n"})
	for i := 0; i < n; i++ {
		r := reply.Draw(t, "reply")
		if i == 0 && tr.cfg.MasterAuth != "" {
			r = "+OK\r\n"
		}
		m = append(m, r...)
	}
	m = append(m, strings.Repeat("\n", rapid.IntRange(0, 3).Draw(t, "keepalives"))...)
	tr.stream = rapid.SliceOfN(rapid.Byte(), 0, 300).Draw(t, "stream")
	if rapid.Bool().Draw(t, "continue") {
		m = append(m, "+CONTINUE 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8\r\n"...)
	} else {
		m = append(m, "+FULLRESYNC 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 123\r\n"...)
		m = append(m, strings.Repeat("\n", rapid.IntRange(0, 3).Draw(t, "bulk keepalives"))...)
		tr.rdb = rapid.SliceOfN(rapid.Byte(), 0, 2000).Draw(t, "rdb")
		if rapid.Bool().Draw(t, "diskless") {
			m = append(m, "$EOF:"+mark+"\r\n"...)
			m = append(append(m, tr.rdb...), mark...)
		} else {
			m = fmt.Appendf(m, "$%d\r\n", len(tr.rdb))
			m = append(m, tr.rdb...)
		}
	}
	tr.master = append(m, tr.stream...)
	return tr
}

// run feeds the master's bytes in the given pieces and returns the
// replica's whole output and its events with adjacent data merged.
func run(cfg psync.Config, pieces [][]byte) (out []byte, events []string, rdb, stream []byte) {
	h := psync.NewHandshake(cfg)
	h.Connected()
	out = h.Output()
	add := func(evs []psync.Event) {
		for _, ev := range evs {
			switch e := ev.(type) {
			case psync.RDBChunk:
				if len(e.Data) == 0 {
					events = append(events, "empty chunk")
				}
				rdb = append(rdb, e.Data...)
				if len(events) > 0 && events[len(events)-1] == "rdb data" {
					continue
				}
				events = append(events, "rdb data")
			case psync.Stream:
				if len(e.Data) == 0 {
					events = append(events, "empty stream")
				}
				stream = append(stream, e.Data...)
				if len(events) > 0 && events[len(events)-1] == "stream data" {
					continue
				}
				events = append(events, "stream data")
			default:
				events = append(events, ev.String())
			}
		}
	}
	for _, p := range pieces {
		add(h.Feed(p))
		out = append(out, h.Output()...)
	}
	add(h.Closed())
	return out, events, rdb, stream
}

func cut(data []byte, at []int) [][]byte {
	var pieces [][]byte
	prev := 0
	for _, a := range at {
		a = min(max(a, prev), len(data))
		pieces = append(pieces, bytes.Clone(data[prev:a]))
		prev = a
	}
	return append(pieces, bytes.Clone(data[prev:]))
}

// TestHandshakeChunking: however the master's bytes are split into reads,
// the replica sends the same bytes and reports the same events, and the
// RDB and stream it reports are exactly the ones sent.
func TestHandshakeChunking(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tr := drawTranscript(t)
		wantOut, wantEvents, rdb, stream := run(tr.cfg, [][]byte{tr.master})
		if !bytes.Equal(rdb, tr.rdb) || !bytes.Equal(stream, tr.stream) {
			t.Fatalf("whole: rdb %d/%d bytes, stream %d/%d bytes; events %q", len(rdb), len(tr.rdb), len(stream), len(tr.stream), wantEvents)
		}
		for _, e := range wantEvents {
			if strings.HasPrefix(e, "failed") {
				t.Fatalf("a valid exchange failed: %q", wantEvents)
			}
		}
		at := rapid.SliceOfN(rapid.IntRange(0, len(tr.master)), 0, 40).Draw(t, "cuts")
		out, events, _, _ := run(tr.cfg, cut(tr.master, sortInts(at)))
		if !bytes.Equal(out, wantOut) || strings.Join(events, "\n") != strings.Join(wantEvents, "\n") {
			t.Fatalf("chunked differs:\nout %q\nwant %q\nevents %q\nwant %q", out, wantOut, events, wantEvents)
		}
	})
}

func sortInts(a []int) []int {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
	return a
}

// FuzzHandshake: arbitrary bytes from a master never panic, never break
// the event order, and give the same result however they are split.
func FuzzHandshake(f *testing.F) {
	f.Add(byte(0), []byte("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 0\r\n$3\r\nabc*1\r\n"), []byte{3, 20})
	f.Add(byte(1), []byte("+PONG\r\n+OK\r\n+OK\r\n\n+FULLRESYNC 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 0\r\n\n$EOF:"+mark+"\r\nxx"+mark+"s"), []byte{1, 2, 90, 91})
	f.Add(byte(2), []byte("+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+FULLRESYNC 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 7 12 -5 applied_info{3:9} 0\r\n$0\r\n"), []byte{})
	f.Add(byte(3), []byte("+PONG\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n+AOFCONTINUE 86f7e437faa5a7fce15d1ddcb9eaeaea377667b8\r\nzz"), []byte{50})
	f.Add(byte(0), []byte("-NOAUTH\r\n-x\r\n\r\n-LOADING\r\n"), []byte{2})
	f.Add(byte(0), []byte("+PONG\r\n+OK\r\n+OK\r\n+CONTINUE\r\n"), []byte{})
	f.Fuzz(func(t *testing.T, flags byte, data, cuts []byte) {
		cfg := psync.Config{ListeningPort: 6380}
		if flags&1 != 0 {
			cfg.MasterAuth = "pw"
		}
		if flags&2 != 0 {
			cfg.Opdis = &psync.OpdisPSYNC{NextOpID: 2, ServerID: 1, LastEpoch: 3}
		}
		if flags&4 != 0 {
			cfg.AnnounceIP = "1.2.3.4"
		}
		at := make([]int, len(cuts))
		for i, c := range cuts {
			at[i] = int(c) * (len(data)/256 + 1)
		}
		out1, ev1, rdb1, st1 := run(cfg, [][]byte{data})
		out2, ev2, rdb2, st2 := run(cfg, cut(data, sortInts(at)))
		if !bytes.Equal(out1, out2) || strings.Join(ev1, "\n") != strings.Join(ev2, "\n") || !bytes.Equal(rdb1, rdb2) || !bytes.Equal(st1, st2) {
			t.Fatalf("split changes the outcome:\n%q\n%q", ev1, ev2)
		}
		checkOrder(t, ev1, len(rdb1))
	})
}

// checkOrder: one answer to PSYNC; RDB data only between its start and
// end; stream only after the sync; nothing after a failure.
func checkOrder(t *testing.T, events []string, rdbLen int) {
	phase := "handshake"
	for _, e := range events {
		word, _, _ := strings.Cut(e, " ")
		switch {
		case phase == "over":
			t.Fatalf("event after the end: %q in %q", e, events)
		case word == "failed" || word == "trylater":
			phase = "over"
		case phase == "handshake" && (word == "keepalive" || word == "warning"):
		case phase == "handshake" && word == "fullresync":
			phase = "await rdb"
		case phase == "handshake" && (word == "continue" || word == "aofcontinue"):
			phase = "stream"
		case phase == "await rdb" && word == "keepalive":
		case phase == "await rdb" && word == "rdbstart":
			phase = "rdb"
		case phase == "rdb" && e == "rdb data":
		case phase == "rdb" && word == "rdbdone":
			if e != fmt.Sprintf("rdbdone size=%d", rdbLen) {
				t.Fatalf("%q after %d RDB bytes", e, rdbLen)
			}
			phase = "stream"
		case phase == "stream" && e == "stream data":
		default:
			t.Fatalf("%q in phase %s: %q", e, phase, events)
		}
	}
}

// TestReplyLineLimit: a master that sends a megabyte without a newline is
// not speaking this protocol; the replica gives up instead of buffering on.
func TestReplyLineLimit(t *testing.T) {
	h := psync.NewHandshake(psync.Config{ListeningPort: 1})
	h.Connected()
	line := bytes.Repeat([]byte("+"), 64<<10)
	for i := 0; i < 16; i++ {
		if evs := h.Feed(line); len(evs) != 0 {
			t.Fatalf("after %d KiB: %v", (i+1)*64, evs)
		}
	}
	evs := h.Feed([]byte("+"))
	if len(evs) != 1 || !strings.Contains(evs[0].String(), "reply line longer than 1048576 bytes") || h.State() != psync.StateFailed {
		t.Fatalf("events %v, state %v", evs, h.State())
	}
}
