package node

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestZNumberParsing(t *testing.T) {
	for _, c := range []struct {
		in string
		v  float64
		ok bool
	}{
		{"1", 1, true}, {"-1.5", -1.5, true}, {"0x10", 16, true}, {"0X1P3", 8, true}, {".5", 0.5, true},
		{"5.", 5, true}, {"+.5e+3", 500, true}, {"1e-310", 1e-310, true}, {"-inf", math.Inf(-1), true},
		{"Infinity", math.Inf(1), true}, {"1e-400", 0, false}, {"1e400", 0, false}, {"nan", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"", 0, false}, {"1e", 0, false}, {"0x", 0, false},
		{"1_0", 0, false}, {"1\x002", 0, false}, {"e5", 0, false}, {"--1", 0, false},
	} {
		v, ok := parseFloat([]byte(c.in))
		if ok != c.ok || (ok && v != c.v) {
			t.Errorf("parseFloat(%q) = %v, %v; want %v, %v", c.in, v, ok, c.v, c.ok)
		}
	}
	for _, c := range []struct {
		in string
		v  uint64
		ok bool
	}{
		{"0", 0, true}, {"", 0, true}, {"17", 17, true}, {"+5", 5, true}, {"-1", math.MaxUint64, true},
		{"18446744073709551615", math.MaxUint64, true}, {"18446744073709551616", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"+", 0, false}, {"abc", 0, false}, {"1\x00x", 1, true},
	} {
		v, ok := parseScanCursor([]byte(c.in))
		if ok != c.ok || (ok && v != c.v) {
			t.Errorf("parseScanCursor(%q) = %v, %v; want %v, %v", c.in, v, ok, c.v, c.ok)
		}
	}
	for f, want := range map[float64]string{ //det:ok test
		0: "0", 1.5: "1.5", 123456789012345678: "123456789012345680", 4e18: "4000000000000000000",
		5e18: "5e+18", -4.6e18: "-4600000000000000000", -4.7e18: "-4.7e+18", math.Inf(1): "inf",
	} {
		if got := d2string(f); got != want {
			t.Errorf("d2string(%v) = %q, want %q", f, got, want)
		}
	}
}

func TestLongDoubleParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" = refused
	}{
		{"0", "0"}, {"-0", "0"}, {"+0", "0"}, {"0e99999999999", "0"}, {"0x0p99999", "0"},
		{"1", "1"}, {"-1.5", "-1.5"}, {"1E2", "100"}, {"1e+2", "100"}, {"1e-2", "0.01"},
		{"0X1P-1", "0.5"}, {"0x.8", "0.5"}, {"0x1.8p1", "3"}, {"0x", ""}, {"0xp1", ""},
		{"1e999999999999999999", ""}, {"1e-999999999999999999", ""}, {"0x1p16384", ""},
		{"0x1p-16445", "0"}, {"0x1p-16446", ""}, {"0x1.000001p-16446", "0"},
		{"1.8225997659412373013e-4951", "0"}, {"1.8225997659412373012e-4951", ""},
		{"1_0", ""}, {"+", ""}, {"-", ""}, {".", ""}, {"e1", ""}, {"1e+", ""},
		{"infinity", "inf"}, {"-INF", "-inf"}, {"infin", ""}, {"nan", ""}, {"-nan", ""},
		{"1\x00junk", ""}, {"1\x00", ""}, {"\t1", ""}, {strings.Repeat("0", 5118) + "1", "1"},
		{strings.Repeat("0", 5119) + "1", ""},
		{strings.Repeat("1", 4930), strings.Repeat("1", 19) + "0"},
	} {
		f, ok := parseLongDouble([]byte(tc.in))
		got := ""
		if ok {
			got = f.human()
		}
		if tc.want == strings.Repeat("1", 19)+"0" {
			if !strings.HasPrefix(got, "1111111111111111111") || len(got) != 4930 {
				t.Errorf("parseLongDouble(1…1 ×4930) = %.30s… len %d", got, len(got))
			}
			continue
		}
		if got != tc.want {
			t.Errorf("parseLongDouble(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestIncrbyfloatFormatting(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"10.5", "0.1", "10.6"},
		{"3.0e3", "5.0e3", "8000"},
		{"0.1", "0.2", "0.3"},
		{"1.1", "2.2", "3.3"},
		{"0", "-0.0", "0"},
		{"0", "1.23456789012345678901234", "1.23456789012345679"},
		{"0", "12345678901234567890123", "12345678901234567889920"},
		{"0", "-1e-18", "0"},
		{"0", "0x1p3", "8"},
		{"0", "0X.8", "0.5"},
		{"1e17", "0.1", "100000000000000000.1015625"},
		{"9223372036854775807", "1", "9223372036854775808"},
	} {
		a, ok1 := parseLongDouble([]byte(tc.a))
		b, ok2 := parseLongDouble([]byte(tc.b))
		if !ok1 || !ok2 {
			t.Errorf("%s + %s: parse failed", tc.a, tc.b)
			continue
		}
		sum, ok := a.add(b)
		if !ok || sum.human() != tc.want {
			t.Errorf("%s + %s = %s (%v), want %s", tc.a, tc.b, sum.human(), ok, tc.want)
		}
	}
	for _, bad := range []string{"", " 1", "1 ", "nan", "-nan", "1e", "1e+", "0x", "0x1p", "1_0", "1e5000",
		"-1e5000", "1e-5000", "infin", "1\x00", "--1", "+-1", "."} {
		if _, ok := parseLongDouble([]byte(bad)); ok {
			t.Errorf("parseLongDouble(%q) accepted", bad)
		}
	}
	for _, good := range []string{"inf", "-Infinity", "+5", ".5", "5.", "1e-4950", "0e-99999", "1E2"} {
		if _, ok := parseLongDouble([]byte(good)); !ok {
			t.Errorf("parseLongDouble(%q) refused", good)
		}
	}
}

func TestBlockingTimeoutParsing(t *testing.T) {
	for _, tc := range []struct {
		arg string
		ms  int64 // -1: error
		neg bool
	}{
		{"0", 0, false}, {"1", 1000, false}, {"0.5", 500, false}, {"1.", 1000, false},
		{".5", 500, false}, {"+.5", 500, false}, {"0x10", 16000, false}, {"0x1.8p1", 3000, false},
		{"1e-5", 1, false}, {"-0.0001", 0, false}, {"-0", 0, false}, {"-0.001", 0, false},
		{"-1", -1, true}, {"inf", -1, true}, {"-inf", -1, true}, {"1e20", -1, true}, {"1e400", -1, true},
		{"abc", -1, false}, {"nan", -1, false}, {" 1", -1, false}, {"1 ", -1, false}, {"", -1, false},
		{"1e5000", -1, false}, {"1e-5000", -1, false}, {"0b1", -1, false}, {"++1", -1, false}, {"1_0", -1, false},
	} {
		tn := newTestNode(t)
		a := tn.connect()
		c := tn.clients[a]
		d, ok := parseTimeout(c, []byte(tc.arg))
		out, _ := tn.TakeOutput(a, nil)
		switch {
		case tc.ms >= 0 && (!ok || d != time.Duration(tc.ms)*time.Millisecond):
			t.Errorf("timeout %q = %v %v %q, want %dms", tc.arg, d, ok, out, tc.ms)
		case tc.ms < 0 && tc.neg && string(out) != "-"+errNegTimeout+"\r\n":
			t.Errorf("timeout %q: %q, want negative", tc.arg, out)
		case tc.ms < 0 && !tc.neg && string(out) != "-"+errTimeout+"\r\n":
			t.Errorf("timeout %q: %q, want not a float", tc.arg, out)
		}
	}
}
