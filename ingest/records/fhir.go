package records

import (
	"encoding/json"
	"strconv"
	"strings"
)

// FHIR R4 data types, as far as clinfuse uses them.

type fhirCoding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type fhirConcept struct {
	Coding []fhirCoding `json:"coding"`
	Text   string       `json:"text"`
}

// first returns the first coding with a code.
func (c *fhirConcept) first() (fhirCoding, bool) {
	for _, cd := range c.Coding {
		if cd.Code != "" {
			return cd, true
		}
	}
	return fhirCoding{}, false
}

// prefer returns the first coding of system with a code, else first.
func (c *fhirConcept) prefer(system string) (fhirCoding, bool) {
	for _, cd := range c.Coding {
		if cd.Code != "" && cd.System == system {
			return cd, true
		}
	}
	return c.first()
}

// label is the display of a coding, else the concept's text.
func (c *fhirConcept) label(cd fhirCoding) string {
	if cd.Display != "" {
		return cd.Display
	}
	return c.Text
}

type fhirReference struct {
	Reference string `json:"reference"`
}

type fhirPeriod struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// fhirDecimal is a FHIR decimal: a JSON number (1.2E+2 included), never a
// string. A value of another JSON type, or out of the float64 range, is
// recorded in bad rather than failing the decoding, so that the rejection
// can name the element.
type fhirDecimal struct {
	v   float64
	set bool
	bad string
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *fhirDecimal) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || !(b[0] == '-' || isDigit(b[0])) {
		d.bad = "not a JSON number"
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		d.bad = "out of range"
		return nil
	}
	d.v, d.set = v, true
	return nil
}

type fhirQuantity struct {
	Value fhirDecimal `json:"value"`
	Unit  string      `json:"unit"`
	Code  string      `json:"code"`
}

type fhirExtension struct {
	URL         string          `json:"url"`
	ValueString string          `json:"valueString"`
	ValueCoding *fhirCoding     `json:"valueCoding"`
	Extension   []fhirExtension `json:"extension"`
}

// usCoreText returns the text of a US Core race or ethnicity extension: its
// "text" part, else the first ombCategory display.
func usCoreText(exts []fhirExtension, url string) string {
	for _, e := range exts {
		if e.URL != url {
			continue
		}
		for _, sub := range e.Extension {
			if sub.URL == "text" && sub.ValueString != "" {
				return sub.ValueString
			}
		}
		for _, sub := range e.Extension {
			if sub.URL == "ombCategory" && sub.ValueCoding != nil {
				return sub.ValueCoding.Display
			}
		}
	}
	return ""
}

const (
	urlRace      = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race"
	urlEthnicity = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"
)

// validID reports whether s is a FHIR id: 1 to 64 of A-Z a-z 0-9 - and .
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c) || c == '-' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// patientRef returns the patient id of a reference: Patient/id, an
// absolute URL ending in Patient/id (optionally /_history/v), or
// urn:uuid:id.
func patientRef(ref string) (string, bool) {
	if id, ok := strings.CutPrefix(ref, "urn:uuid:"); ok {
		return id, validID(id)
	}
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	i := strings.LastIndex(ref, "Patient/")
	if i < 0 || i > 0 && ref[i-1] != '/' {
		return "", false
	}
	id := ref[i+len("Patient/"):]
	return id, validID(id)
}

// fhirFields collects the first problem found in a resource.
type fhirFields struct {
	reason string
}

func (f *fhirFields) fail(elem, problem string) {
	if f.reason == "" {
		f.reason = elem + ": " + problem
	}
}

// subject resolves a required Patient reference.
func (f *fhirFields) subject(elem string, r fhirReference) string {
	if r.Reference == "" {
		f.fail(elem, "missing")
		return ""
	}
	id, ok := patientRef(r.Reference)
	if !ok {
		f.fail(elem, "not a Patient reference")
	}
	return id
}

// time parses a dateTime element; empty is absent, and required fails.
func (f *fhirFields) time(elem, v string, rule dateRule, required bool) optStamp {
	if v == "" {
		if required {
			f.fail(elem, "missing")
		}
		return optStamp{}
	}
	st, err := parseStamp(v, rule)
	if err != nil {
		f.fail(elem, err.Error())
		return optStamp{}
	}
	return optStamp{stamp: st, ok: true}
}

// firstOf returns the name and value of the first non-empty element.
func firstOf(pairs ...string) (name, value string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			return pairs[i], pairs[i+1]
		}
	}
	return pairs[0], ""
}

// unmarshal decodes a line into a resource and checks its type.
func unmarshal(b []byte, v any, got *string, want string) string {
	if err := json.Unmarshal(b, v); err != nil {
		return jsonReason(err)
	}
	return typeReason(*got, want)
}

func newFHIRTable(t Table, want string) fhirTable {
	switch t {
	case Patients:
		return &patientFHIR{want: want}
	case Conditions:
		return &conditionFHIR{want: want}
	case Observations:
		return &observationFHIR{want: want}
	case Encounters:
		return &encounterFHIR{want: want}
	case Medications:
		return &medicationFHIR{want: want}
	}
	return nil
}

// statusIn reports whether s is one of the listed codes.
func statusIn(s string, codes ...string) bool {
	for _, c := range codes {
		if s == c {
			return true
		}
	}
	return false
}

// emitRow writes one row through out.
func emitRow(out *sink, put func(*writer)) error {
	if w := out.row(); w != nil {
		put(w)
	}
	return out.done()
}
