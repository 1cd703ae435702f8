package reports

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// maxCellUnits is Excel's limit on the characters of one cell, counted in
// UTF-16 code units.
const maxCellUnits = 32767

// cleanText returns s as valid UTF-8 without control characters: tabs and
// line breaks become spaces, other C0 and C1 controls and the XML
// non-characters U+FFFE and U+FFFF are dropped, invalid bytes become U+FFFD.
func cleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isClean(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0xFFFE || r == 0xFFFF ||
			r == utf8.RuneError {
			return false
		}
	}
	return true
}

// cellText returns s cleaned and cut to fit one Excel cell. A cut value
// ends with a note giving the original length, so nothing is cut without
// saying so; cut reports whether that happened.
func cellText(s string) (text string, cut bool) {
	s = cleanText(s)
	if len(s) <= maxCellUnits {
		// A UTF-8 byte never makes more than one UTF-16 unit.
		return s, false
	}
	units := utf16Len(s)
	if units <= maxCellUnits {
		return s, false
	}
	note := " [cut: " + strconv.Itoa(units) + " characters in full]"
	keep := maxCellUnits - len(note)
	n := 0
	for i, r := range s {
		w := utf16.RuneLen(r)
		if n+w > keep {
			return s[:i] + note, true
		}
		n += w
	}
	return s, false
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// csvText returns s cleaned for risks.csv. A value that a spreadsheet would
// read as a formula (starting with =, +, -, @) is prefixed with an
// apostrophe, as the OWASP guidance on CSV injection advises; the Parquet
// outputs keep the exact value.
func csvText(s string) string {
	s = cleanText(s)
	if s != "" && strings.IndexByte("=+-@", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
