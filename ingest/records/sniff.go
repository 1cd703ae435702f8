package records

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path"
	"strings"
	"unicode"
)

// Sniff decides from a file's name and its first bytes (up to 4096; more
// are ignored) whether it is a records file, which table it holds and in
// which format. Content decides; the name only settles a CSV header that
// fits several Synthea tables equally well.
func Sniff(name string, head []byte) (t Table, f Format, ok bool) {
	if len(head) > sniffBytes {
		head = head[:sniffBytes]
	}
	// Blank lines before the first record are skipped by both readers.
	head = bytes.TrimLeft(trimBOM(head), " \t\r\n")
	line, complete := firstLine(head)
	if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("{")) {
		t, ok = sniffResource(line)
		return t, FHIRNDJSON, ok
	}
	if !complete {
		return "", "", false
	}
	cols, ok := headerColumns(line)
	if !ok {
		return "", "", false
	}
	t, ok = matchLayout(cols, stem(name))
	return t, SyntheaCSV, ok
}

// firstLine returns the first line of head without its line end, and
// whether it ended within head (or head is the whole, short file).
func firstLine(head []byte) ([]byte, bool) {
	if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
		return head[:i], true
	}
	return head, len(head) < sniffBytes
}

// headerColumns splits a CSV header line into upper-cased, trimmed names.
func headerColumns(line []byte) ([]string, bool) {
	r := csv.NewReader(bytes.NewReader(line))
	rec, err := r.Read()
	if err != nil || len(rec) < 2 {
		return nil, false
	}
	for i, c := range rec {
		rec[i] = strings.ToUpper(strings.TrimSpace(c))
	}
	return rec, true
}

// stem is the lower-cased file name up to its first dot.
func stem(name string) string {
	base := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	s, _, _ := strings.Cut(base, ".")
	return s
}

// sniffResource finds the resourceType of the JSON object that starts
// line, reading tokens only as far as needed, so that a line longer than
// the sniffed head still tells its type when resourceType comes early.
func sniffResource(line []byte) (Table, bool) {
	dec := json.NewDecoder(bytes.NewReader(line))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", false
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", false
		}
		if key == "resourceType" {
			v, err := dec.Token()
			s, isStr := v.(string)
			if err != nil || !isStr {
				return "", false
			}
			return resourceTable(s)
		}
		if !skipValue(dec) {
			return "", false
		}
	}
	return "", false
}

// skipValue consumes one JSON value from dec.
func skipValue(dec *json.Decoder) bool {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return true
		}
	}
}

// fhirTables maps FHIR resource types to tables. Types not listed, other
// than Bundle, are recognised under their lower-cased name.
var fhirTables = map[string]Table{
	"Patient":            Patients,
	"Condition":          Conditions,
	"Observation":        Observations,
	"Encounter":          Encounters,
	"MedicationRequest":  Medications,
	"AllergyIntolerance": "allergies",
	"CarePlan":           "careplans",
	"Claim":              "claims",
	"Device":             "devices",
	"ImagingStudy":       "imaging_studies",
	"Immunization":       "immunizations",
	"Organization":       "organizations",
	"Practitioner":       "providers",
	"Procedure":          "procedures",
	"SupplyDelivery":     "supplies",
}

// resourceTables is the inverse of fhirTables for the tables that are read.
var resourceTypes = map[Table]string{
	Patients:     "Patient",
	Conditions:   "Condition",
	Observations: "Observation",
	Encounters:   "Encounter",
	Medications:  "MedicationRequest",
}

func resourceTable(rt string) (Table, bool) {
	if t, ok := fhirTables[rt]; ok {
		return t, true
	}
	if rt == "Bundle" || !validResourceType(rt) {
		return "", false
	}
	return Table(strings.ToLower(rt)), true
}

// validResourceType accepts the shape of FHIR resource type names: an
// upper-case ASCII letter followed by ASCII letters.
func validResourceType(rt string) bool {
	if rt == "" || len(rt) > 64 || !unicode.IsUpper(rune(rt[0])) {
		return false
	}
	for i := 0; i < len(rt); i++ {
		c := rt[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
