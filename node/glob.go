package node

// GlobMatch reports whether str matches the glob pattern exactly as Redis
// 7.0's stringmatchlen: * ? [abc] [^a-z] and \ escapes; nocase folds ASCII.
//
// It is a literal port, quirks included: an empty string matches no
// pattern (not even "**"; KEYS and SCAN special-case the pattern "*"
// themselves), an unterminated class "[ab" is closed by the end of the
// pattern, and in "[a-]" the range swallows the ']' so the class goes on.
func GlobMatch(pattern, str []byte, nocase bool) bool {
	skip := false
	return globMatch(pattern, str, nocase, &skip, 0)
}

// at returns b[i], or 0 past the end: the C code relies on the NUL that
// terminates every sds.
func globAt(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

func globMatch(p, s []byte, nocase bool, skipLonger *bool, nesting int) bool {
	if nesting > 1000 { // protection against abusive patterns, as Redis
		return false
	}
	for len(p) > 0 && len(s) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && globAt(p, 1) == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for len(s) > 0 {
				if globMatch(p[1:], s, nocase, skipLonger, nesting+1) {
					return true
				}
				if *skipLonger {
					return false
				}
				s = s[1:]
			}
			// No match for the rest of the pattern anywhere in the rest of
			// the string: earlier stars can't help either.
			*skipLonger = true
			return false
		case '?':
			s = s[1:]
		case '[':
			// j indexes p (p[0] is '['); j == len(p) reads the terminating NUL.
			j := 1
			not := globAt(p, j) == '^'
			if not {
				j++
			}
			match := false
			for {
				if globAt(p, j) == '\\' && len(p)-j >= 2 {
					j++
					if p[j] == s[0] {
						match = true
					}
				} else if globAt(p, j) == ']' {
					break
				} else if len(p)-j == 0 {
					j-- // unterminated class: step back so the end is consumed below
					break
				} else if len(p)-j >= 3 && p[j+1] == '-' {
					start, end, c := p[j], p[j+2], s[0]
					if start > end {
						start, end = end, start
					}
					if nocase {
						start, end, c = lower(start), lower(end), lower(c)
					}
					j += 2
					if c >= start && c <= end {
						match = true
					}
				} else if eqByte(p[j], s[0], nocase) {
					match = true
				}
				j++
			}
			p = p[j:]
			if not {
				match = !match
			}
			if !match {
				return false
			}
			s = s[1:]
		case '\\':
			if len(p) >= 2 {
				p = p[1:]
			}
			if !eqByte(p[0], s[0], nocase) {
				return false
			}
			s = s[1:]
		default:
			if !eqByte(p[0], s[0], nocase) {
				return false
			}
			s = s[1:]
		}
		p = p[1:]
		if len(s) == 0 {
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			break
		}
	}
	return len(p) == 0 && len(s) == 0
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 32
	}
	return c
}

func eqByte(a, b byte, nocase bool) bool {
	if nocase {
		return lower(a) == lower(b)
	}
	return a == b
}
