package records

import "errors"

// stamp is a parsed date or date-time.
type stamp struct {
	ms  int64 // the instant (start of the period for partial dates), ms since the epoch, UTC
	day int32 // the calendar date as written, days since 1970-01-01
}

// dateRule says which forms a date field accepts.
type dateRule int

const (
	// fhirDate is FHIR's date: YYYY, YYYY-MM or YYYY-MM-DD.
	fhirDate dateRule = iota
	// fhirDateTime is FHIR's dateTime: a date, or a full date with
	// hh:mm:ss[.fff] and a required zone.
	fhirDateTime
	// csvDateTime is fhirDateTime with Synthea's variations: a space for
	// the T, seconds and zone optional (no zone is UTC).
	csvDateTime
)

var errDate = errors.New("not a valid date")

const msPerDay = 24 * 60 * 60 * 1000

// parseStamp parses s by rule.
func parseStamp(s string, rule dateRule) (stamp, error) {
	y, mo, d, rest, ok := datePart(s)
	if !ok {
		return stamp{}, errDate
	}
	days, ok := civilDays(y, mo, d)
	if !ok {
		return stamp{}, errDate
	}
	st := stamp{ms: days * msPerDay, day: int32(days)}
	if rest == "" {
		return st, nil
	}
	if rule == fhirDate || len(s)-len(rest) != 10 {
		return stamp{}, errDate
	}
	ms, ok := timePart(rest, rule == csvDateTime)
	if !ok {
		return stamp{}, errDate
	}
	st.ms += ms
	return st, nil
}

// datePart reads YYYY[-MM[-DD]] from the start of s; missing month and day
// are 1.
func datePart(s string) (y, mo, d int, rest string, ok bool) {
	y, ok = digits(s, 4)
	if !ok || y == 0 {
		return 0, 0, 0, "", false
	}
	mo, d, rest = 1, 1, s[4:]
	if len(rest) == 0 || rest[0] != '-' {
		return y, mo, d, rest, true
	}
	if mo, ok = digits(rest[1:], 2); !ok || mo < 1 || mo > 12 {
		return 0, 0, 0, "", false
	}
	rest = rest[3:]
	if len(rest) == 0 || rest[0] != '-' {
		return y, mo, d, rest, true
	}
	if d, ok = digits(rest[1:], 2); !ok || d < 1 {
		return 0, 0, 0, "", false
	}
	return y, mo, d, rest[3:], true
}

// civilDays returns the days since 1970-01-01 of a date of the proleptic
// Gregorian calendar, refusing dates that do not exist (February 30).
func civilDays(y, mo, d int) (int64, bool) {
	if d > monthDays(y, mo) {
		return 0, false
	}
	// Count from 0000-03-01 so that the leap day ends the year.
	if mo <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	doy := (153*((mo+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468, true
}

// monthDays is the number of days in month mo of year y.
func monthDays(y, mo int) int {
	switch mo {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// timePart reads Thh:mm:ss[.f+](Z|±hh:mm) and returns the milliseconds
// after midnight UTC it adds (which may be negative or past a day because
// of the zone).
func timePart(s string, lenient bool) (int64, bool) {
	if len(s) < 6 || s[0] != 'T' && !(lenient && s[0] == ' ') {
		return 0, false
	}
	h, ok1 := digits(s[1:], 2)
	m, ok2 := digits(s[4:], 2)
	if !ok1 || !ok2 {
		return 0, false
	}
	return clock(s, h, m, lenient)
}

// clock finishes timePart once hour and minute are known to be digits.
func clock(s string, h, m int, lenient bool) (int64, bool) {
	if s[3] != ':' || h > 23 || m > 59 {
		return 0, false
	}
	rest := s[6:]
	sec, frac := 0, 0
	if len(rest) > 0 && rest[0] == ':' {
		var ok bool
		if sec, ok = digits(rest[1:], 2); !ok || sec > 60 {
			return 0, false
		}
		rest, frac = fraction(rest[3:])
	} else if !lenient {
		return 0, false
	}
	off, ok := zone(rest, lenient)
	if !ok {
		return 0, false
	}
	ms := int64((h*60+m)*60+sec)*1000 + int64(frac) - off
	return ms, true
}

// fraction reads an optional .f+ and returns the rest and the milliseconds.
func fraction(s string) (string, int) {
	if len(s) < 2 || s[0] != '.' || !isDigit(s[1]) {
		return s, 0
	}
	ms, scale, i := 0, 100, 1
	for ; i < len(s) && isDigit(s[i]); i++ {
		ms += int(s[i]-'0') * scale
		scale /= 10
	}
	return s[i:], ms
}

// zone reads Z or ±hh:mm (and, when lenient, nothing) and returns the
// offset in milliseconds.
func zone(s string, lenient bool) (int64, bool) {
	switch {
	case s == "Z":
		return 0, true
	case s == "":
		return 0, lenient
	case len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':':
		return 0, false
	}
	h, ok1 := digits(s[1:], 2)
	m, ok2 := digits(s[4:], 2)
	if !ok1 || !ok2 || h > 14 || m > 59 {
		return 0, false
	}
	off := int64(h*60+m) * 60 * 1000
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// digits reads exactly n decimal digits at the start of s.
func digits(s string, n int) (int, bool) {
	if len(s) < n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
