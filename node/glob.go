package node

// GlobMatch reports whether str matches the glob pattern exactly as Redis's
// stringmatchlen: * ? [abc] [^a-z] and \ escapes; nocase folds ASCII.
func GlobMatch(pattern, str []byte, nocase bool) bool {
	return globMatch(pattern, str, nocase, 0)
}

func globMatch(p, s []byte, nocase bool, depth int) bool {
	if depth > 1000 { // Redis bounds the recursion the same way
		return false
	}
	for len(p) > 0 && len(s) > 0 || len(p) > 0 && p[0] == '*' {
		switch p[0] {
		case '*':
			for len(p) > 1 && p[1] == '*' {
				p = p[1:]
			}
			if len(p) == 1 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p[1:], s[i:], nocase, depth+1) {
					return true
				}
			}
			return false
		case '?':
			s = s[1:]
		case '[':
			p = p[1:]
			not := len(p) > 0 && p[0] == '^'
			if not {
				p = p[1:]
			}
			match := false
			for {
				if len(p) == 0 {
					// Unterminated class: Redis steps back so ']' is treated as literal end.
					break
				}
				if p[0] == '\\' && len(p) >= 2 {
					p = p[1:]
					if p[0] == s[0] {
						match = true
					}
				} else if p[0] == ']' {
					break
				} else if len(p) >= 3 && p[1] == '-' {
					start, end := p[0], p[2]
					if start > end {
						start, end = end, start
					}
					c := s[0]
					if nocase {
						start, end, c = lower(start), lower(end), lower(c)
					}
					p = p[2:]
					if c >= start && c <= end {
						match = true
					}
				} else if eqByte(p[0], s[0], nocase) {
					match = true
				}
				p = p[1:]
			}
			if len(p) == 0 {
				// pattern ended inside a class: Redis treats the class as
				// closed at the end of the pattern.
				if not {
					match = !match
				}
				if !match {
					return false
				}
				s = s[1:]
				return len(s) == 0
			}
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
