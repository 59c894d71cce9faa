package oplogsync

import (
	"strings"
	"testing"
)

func TestParseInfo(t *testing.T) {
	text := "# Oplog\r\ncurrent_opid:41\r\nnext_opid:42\r\nmin_valid_opid:7\r\nopapply_source_count:2\r\n" +
		"opapply_source_0:server_id=863,applied_opid=5\r\nopapply_source_1:server_id=985,applied_opid=12\r\nopdel_source_count:1\r\n" +
		"opdel_source_0:source_name=sync@h:1,to_del_opid=9,last_update_time=1767225619\r\nopdel_min_opid:9\r\n"
	info, err := ParseInfo(text)
	if err != nil {
		t.Fatal(err)
	}
	if info.NextOpID != 42 || info.MinValidOpID != 7 || len(info.Applied) != 2 || info.Applied[863] != 5 || info.Applied[985] != 12 ||
		len(info.Registered) != 1 || info.Registered["sync@h:1"] != 9 {
		t.Fatalf("parsed %+v", info)
	}
	for _, bad := range []string{
		"",                                     // not opdis
		"# Server\r\nredis_version:7.0.15\r\n", // no oplog section
		"next_opid:x\r\n",
		"next_opid:3\r\nopapply_source_0:server_id=a,applied_opid=1\r\n",
		"next_opid:3\r\nopdel_source_0:source_name=x,to_del_opid=y,last_update_time=1\r\n",
		"next_opid:3\r\nopdel_source_0:to_del_opid=4\r\n",
	} {
		if _, err := ParseInfo(bad); err == nil {
			t.Errorf("ParseInfo(%q) accepted it", bad)
		} else if !strings.Contains(err.Error(), "oplog") {
			t.Errorf("ParseInfo(%q): unclear error %v", bad, err)
		}
	}
}

func FuzzParseInfo(f *testing.F) {
	f.Add("next_opid:42\r\nmin_valid_opid:1\r\nopapply_source_0:server_id=1,applied_opid=2\r\n")
	f.Add("opapply_source_0:server_id=,applied_opid\r\n")
	f.Add("next_opid:-1\r\n:\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		info, err := ParseInfo(text)
		if err == nil && (info.Applied == nil || info.Registered == nil) {
			t.Fatal("no applied map")
		}
	})
}
