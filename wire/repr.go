package wire

import "fmt"

// Repr quotes s as Redis's sdscatrepr does: "…" with \\ \" \n \r \t \a \b
// escapes and \xHH for other bytes outside printable ASCII. Config files
// (CONFIG REWRITE, error reports) and CLIENT LIST use it.
func Repr(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\a':
			b = append(b, `\a`...)
		case '\b':
			b = append(b, `\b`...)
		default:
			if c < 0x20 || c > 0x7e {
				b = fmt.Appendf(b, `\x%02x`, c)
			} else {
				b = append(b, c)
			}
		}
	}
	return string(append(b, '"'))
}
