package records

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

const (
	obsHeader3 = "DATE,PATIENT,ENCOUNTER,CATEGORY,CODE,DESCRIPTION,VALUE,UNITS,TYPE"
	day1       = "2020-01-01T00:00:00Z"
	a1cRow     = day1 + ",p,e,laboratory,4548-4,A1c,6.1,%,numeric"
)

// TestHazards reads small files that each carry one real-file hazard and
// checks the rows that come out.
func TestHazards(t *testing.T) {
	cases := []struct {
		name, file, content string
		table               Table
		want                []map[string]any // a subset of each row's columns
	}{{
		name: "byte-order mark", file: "o.csv",
		content: "\ufeff" + obsHeader3 + "\n" + a1cRow + "\n",
		table:   Observations,
		want:    []map[string]any{{"patient_id": "p", "value": 6.1}},
	}, {
		name: "CRLF", file: "o.csv",
		content: obsHeader3 + "\r\n" + a1cRow + "\r\n" +
			"2020-01-02T00:00:00Z,q,e,laboratory,4548-4,A1c,6.2,%,numeric\r\n",
		table: Observations,
		want: []map[string]any{{"patient_id": "p", "unit": "%"},
			{"patient_id": "q", "unit": "%", "value": 6.2}},
	}, {
		name: "CR only, quoted CR inside", file: "o.csv",
		content: obsHeader3 + "\r" + day1 + ",p,e,laboratory,4548-4,\"A1c\rtest\",6.1,%,numeric" +
			"\r2020-01-02T00:00:00Z,q,e,,4548-4,A1c,6.2,%,numeric",
		table: Observations,
		want: []map[string]any{{"patient_id": "p", "description": "A1c\ntest"},
			{"patient_id": "q", "category": nil}},
	}, {
		name: "quoted newline and comma", file: "c.csv",
		content: "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n" +
			"2010-05-01,,p,e,38341003,\"Hypertension,\nessential\"\n",
		table: Conditions,
		want:  []map[string]any{{"description": "Hypertension,\nessential", "stop": nil}},
	}, {
		name: "exponent decimals", file: "o.csv",
		content: obsHeader3 + "\n" +
			day1 + ",p,e,laboratory,2339-0,Glucose,1.2E+2,mg/dL,numeric\n" +
			day1 + ",p,e,laboratory,2339-0,Glucose,5e-1,mg/dL,\n",
		table: Observations,
		want:  []map[string]any{{"value": 120.0}, {"value": 0.5, "value_text": nil}},
	}, {
		name: "Latin-1 bytes", file: "c.csv",
		content: "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n" +
			"2010-05-01,,p,e,38341003,Hypertension caf\xe9\n",
		table: Conditions,
		want:  []map[string]any{{"description": "Hypertension caf\uFFFD"}},
	}, {
		name: "blank lines before the first record", file: "P.ndjson",
		content: "\n\r\n" + `{"resourceType":"Patient","id":"a","gender":"male"}` + "\n\n",
		table:   Patients,
		want:    []map[string]any{{"patient_id": "a", "sex": "M"}},
	}, {
		name: "older layout: no CATEGORY, dates", file: "o.csv",
		content: "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,VALUE,UNITS,TYPE\n" +
			"2010-05-01,p,e,72166-2,Smoking,Never smoker,,text\n",
		table: Observations,
		want: []map[string]any{{"time": "2010-05-01T00:00:00.000Z", "category": nil,
			"value": nil, "value_text": "Never smoker", "unit": nil}},
	}, {
		name: "newer conditions with SYSTEM and timestamps", file: "c.csv",
		content: "START,STOP,PATIENT,ENCOUNTER,SYSTEM,CODE,DESCRIPTION\n" +
			"2019-04-05T06:07:08Z,,p,e,ICD-10-CM,E11.9,T2D\n",
		table: Conditions,
		want: []map[string]any{{"system": "ICD-10-CM", "code": "E11.9",
			"start": "2019-04-05T06:07:08.000Z"}},
	}, {
		name: "FHIR partial dates", file: "Patient.ndjson",
		content: `{"resourceType":"Patient","id":"a","birthDate":"1970"}` + "\n" +
			`{"resourceType":"Patient","id":"b","birthDate":"1970-06",` +
			`"deceasedDateTime":"2001-02-03T04:05:06+09:00"}` + "\n",
		table: Patients,
		want: []map[string]any{{"birth_date": "1970-01-01", "sex": "U"},
			{"birth_date": "1970-06-01", "death_date": "2001-02-03"}},
	}, {
		name: "FHIR exponent decimal, CRLF, BOM", file: "Observation.ndjson",
		content: "\ufeff" + `{"resourceType":"Observation","status":"final","code":{"coding":` +
			`[{"system":"http://loinc.org","code":"2339-0"}]},"subject":{"reference":` +
			`"Patient/p"},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":1.2E+2,` +
			`"unit":"mg/dL"}}` + "\r\n",
		table: Observations,
		want:  []map[string]any{{"value": 120.0, "unit": "mg/dL", "system": "http://loinc.org"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, rows := readFile(t, writeTemp(t, tc.file, tc.content))
			if st.Table != tc.table || st.Rejected != 0 {
				t.Fatalf("table %s, %d rejected %v", st.Table, st.Rejected, st.Rejections)
			}
			if len(rows) != len(tc.want) {
				t.Fatalf("%d rows, want %d: %v", len(rows), len(tc.want), rows)
			}
			for i, want := range tc.want {
				for k, v := range want {
					if got, ok := rows[i][k]; ok && got != v || !ok && v != nil {
						t.Errorf("row %d %s = %v, want %v", i, k, got, v)
					}
				}
			}
		})
	}
}

func TestParseStamp(t *testing.T) {
	day := func(s string) int64 {
		tm, _ := time.Parse(time.RFC3339Nano, s)
		return tm.UnixMilli()
	}
	cases := []struct {
		in   string
		rule dateRule
		ms   int64
		ok   bool
	}{
		{"2020", fhirDateTime, day("2020-01-01T00:00:00Z"), true},
		{"2020-02", fhirDateTime, day("2020-02-01T00:00:00Z"), true},
		{"2020-02-29", fhirDate, day("2020-02-29T00:00:00Z"), true},
		{"2019-02-29", fhirDate, 0, false},
		{"2020-13", fhirDate, 0, false},
		{"2020-00-10", fhirDate, 0, false},
		{"0000", fhirDate, 0, false},
		{"20200101", fhirDate, 0, false},
		{"2020-01-01T00:00:00Z", fhirDate, 0, false},
		{"2020-01-01T10:20:30Z", fhirDateTime, day("2020-01-01T10:20:30Z"), true},
		{"2020-01-01T10:20:30.1234+14:00", fhirDateTime, day("2019-12-31T20:20:30.123Z"), true},
		{"2020-01-01T10:20:30-05:30", fhirDateTime, day("2020-01-01T15:50:30Z"), true},
		{"2016-12-31T23:59:60Z", fhirDateTime, day("2017-01-01T00:00:00Z"), true},
		{"2020-01-01T10:20:30", fhirDateTime, 0, false},
		{"2020-01-01T10:20Z", fhirDateTime, 0, false},
		{"2020-01-01T24:00:00Z", fhirDateTime, 0, false},
		{"2020-01-01T10:20:30+15:00", fhirDateTime, 0, false},
		{"2020-01-01T10:20:30Zjunk", fhirDateTime, 0, false},
		{"2020-01T10:20:30Z", fhirDateTime, 0, false},
		{"2020-01-01 10:20:30", csvDateTime, day("2020-01-01T10:20:30Z"), true},
		{"2020-01-01T10:20", csvDateTime, day("2020-01-01T10:20:00Z"), true},
		{"2020-01-01T10:20:30.5Z", csvDateTime, day("2020-01-01T10:20:30.5Z"), true},
		{"2020-01-01 10:20:30", fhirDateTime, 0, false},
		{"", csvDateTime, 0, false},
		{"01/02/2020", csvDateTime, 0, false},
	}
	for _, tc := range cases {
		st, err := parseStamp(tc.in, tc.rule)
		if (err == nil) != tc.ok || tc.ok && st.ms != tc.ms {
			t.Errorf("parseStamp(%q, %d) = %d, %v; want %d, ok %v",
				tc.in, tc.rule, st.ms, err, tc.ms, tc.ok)
		}
	}
}

// TestCivilDays compares the calendar arithmetic with package time around
// every month end of years 1 to 9999.
func TestCivilDays(t *testing.T) {
	for y := 1; y <= 9999; y++ {
		for mo := 1; mo <= 12; mo++ {
			for _, d := range []int{1, 28, 29, 30, 31} {
				got, ok := civilDays(y, mo, d)
				tm := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
				want, exists := tm.Unix()/86400, tm.Day() == d
				if ok != exists || ok && got != want {
					t.Fatalf("civilDays(%d, %d, %d) = %d, %v; want %d, %v",
						y, mo, d, got, ok, want, exists)
				}
			}
		}
	}
}

func TestSniff(t *testing.T) {
	allergies2 := "START,STOP,PATIENT,ENCOUNTER,CODE,DESCRIPTION\n"
	long := `{"resourceType":"Observation","text":"` + strings.Repeat("x", 5000) + `"}` + "\n"
	cases := []struct {
		name, file, head string
		table            Table
		format           Format
		ok               bool
	}{
		{"header decides", "x.csv", obsHeader3 + "\n", Observations, SyntheaCSV, true},
		{"lower-case header", "x.csv", strings.ToLower(obsHeader3) + "\r\n", Observations,
			SyntheaCSV, true},
		{"shared header, named", "allergies.csv", allergies2, "allergies", SyntheaCSV, true},
		{"shared header, named with suffix", "allergies_2.csv", allergies2, "allergies",
			SyntheaCSV, true},
		{"shared header, unnamed", "export.csv", allergies2, Conditions, SyntheaCSV, true},
		{"name cannot override content", "conditions.csv", obsHeader3 + "\n",
			Observations, SyntheaCSV, true},
		{"extra column tolerated", "x.csv", "Id,BIRTHDATE,GENDER,SHOE_SIZE\n", Patients,
			SyntheaCSV, true},
		{"header only, no newline", "x.csv", "Id,BIRTHDATE,GENDER", Patients, SyntheaCSV, true},
		{"unknown header", "x.csv", "a,b,c\n1,2,3\n", "", "", false},
		{"tab separated", "x.tsv", "Id\tBIRTHDATE\tGENDER\n", "", "", false},
		{"FHIR Patient", "x", `{"resourceType":"Patient","id":"a"}` + "\n", Patients,
			FHIRNDJSON, true},
		{"FHIR type after other keys", "x", `{"id":"a","meta":{"x":[1,{"y":2}]},` +
			`"resourceType":"Encounter"}`, Encounters, FHIRNDJSON, true},
		{"FHIR line longer than the head", "x", long, Observations, FHIRNDJSON, true},
		{"FHIR unread type", "x", `{"resourceType":"Procedure"}`, "procedures", FHIRNDJSON, true},
		{"FHIR unlisted type", "x", `{"resourceType":"DiagnosticReport"}`, "diagnosticreport",
			FHIRNDJSON, true},
		{"bundle", "x", `{"resourceType":"Bundle","entry":[]}`, "", FHIRNDJSON, false},
		{"pretty-printed JSON", "x", "{\n  \"resourceType\": \"Patient\"\n}\n", "",
			FHIRNDJSON, false},
		{"JSON without type", "x", `{"exportId":"e"}`, "", FHIRNDJSON, false},
		{"bad type name", "x", `{"resourceType":"patient"}`, "", FHIRNDJSON, false},
		{"empty", "x", "", "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tb, f, ok := Sniff(tc.file, []byte(tc.head))
			if tb != tc.table || ok != tc.ok || ok && f != tc.format {
				t.Errorf("Sniff = %q, %q, %v; want %q, %q, %v", tb, f, ok,
					tc.table, tc.format, tc.ok)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		name, file, content string
		want                error
	}{
		{"empty file", "x.csv", "", ErrMalformed},
		{"BOM only", "x.csv", "\ufeff", ErrMalformed},
		{"not records", "x.csv", "a,b\n1,2\n", ErrUnsupported},
		{"recognised, not read", "x.csv", "DATE,PATIENT,ENCOUNTER,CODE,DESCRIPTION,QUANTITY\n",
			ErrUnsupported},
		{"UTF-16", "x.csv", "\xff\xfeI\x00d\x00", ErrUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.file, tc.content)
			_, err := Read(context.Background(), path, "", memory.DefaultAllocator,
				func(Table, arrow.Record) error { return nil })
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "records: ") ||
				!strings.Contains(err.Error(), filepath.ToSlash(path)) {
				t.Errorf("error %q does not name the package and file", err)
			}
		})
	}
	_, err := Read(context.Background(), filepath.Join(t.TempDir(), "none.csv"), "",
		memory.DefaultAllocator, nil)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("missing file: err = %v", err)
	}
}

// manyRows returns an observations CSV with n rows; every bad-th row (if
// bad > 0) has an invalid date.
func manyRows(n, bad int) string {
	var b strings.Builder
	b.WriteString(obsHeader3 + "\n")
	for i := range n {
		date := "2020-01-01T00:00:00Z"
		if bad > 0 && i%bad == 0 {
			date = "2020-01-32"
		}
		fmt.Fprintf(&b, "%s,p%d,e,laboratory,4548-4,A1c,%d.5,%%,numeric\n", date, i%97, i%10)
	}
	return b.String()
}

func TestBatchesAndStop(t *testing.T) {
	path := writeTemp(t, "o.csv", manyRows(2*BatchRows+5, 0))
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var kept []arrow.Record
	st, err := Read(context.Background(), path, "o.csv", mem, func(_ Table, r arrow.Record) error {
		r.Retain()
		kept = append(kept, r)
		return nil
	})
	if err != nil || st.Rows != 2*BatchRows+5 || len(kept) != 3 {
		t.Fatalf("rows %d, batches %d, err %v", st.Rows, len(kept), err)
	}
	if kept[0].NumRows() != BatchRows || kept[2].NumRows() != 5 {
		t.Errorf("batch sizes %d, %d", kept[0].NumRows(), kept[2].NumRows())
	}
	for _, r := range kept {
		r.Release()
	}

	stop := errors.New("stop")
	_, err = Read(context.Background(), path, "o.csv", mem,
		func(Table, arrow.Record) error { return stop })
	if !errors.Is(err, stop) {
		t.Errorf("emit error: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Read(ctx, path, "o.csv", mem, func(Table, arrow.Record) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v", err)
	}
}

func TestRejectionCap(t *testing.T) {
	n := 2*MaxRejections + 10
	st, rows := readFile(t, writeTemp(t, "o.csv", manyRows(n, 2)))
	if st.Rejected != int64(n/2) || len(st.Rejections) != MaxRejections {
		t.Errorf("rejected %d (list %d), want %d (list %d)", st.Rejected,
			len(st.Rejections), n/2, MaxRejections)
	}
	if len(rows) != n/2 {
		t.Errorf("kept %d rows, want %d", len(rows), n/2)
	}
	if r := st.Rejections[1]; r.Line != 4 || r.Reason != "DATE: not a valid date" {
		t.Errorf("second rejection = %+v", r)
	}
}

func TestLongNDJSONLine(t *testing.T) {
	defer func(n int) { maxLineBytes = n }(maxLineBytes)
	maxLineBytes = 100 << 10
	good := `{"resourceType":"Patient","id":"a"}`
	long := `{"resourceType":"Patient","id":"b","text":"` + strings.Repeat("y", 300<<10) + `"}`
	st, rows := readFile(t, writeTemp(t, "P.ndjson", good+"\n"+long+"\n"+good+"\n"))
	want := []Rejection{{Line: 2, Reason: errLongLine.Error()}}
	if diff := cmp.Diff(want, st.Rejections); diff != "" || len(rows) != 2 {
		t.Errorf("rows %d, rejections (-want +got):\n%s", len(rows), diff)
	}
}

// TestLineEnds splits input at every byte so that CR and LF fall on
// read boundaries.
func TestLineEnds(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a\rb\r\nc\n\rd\r", "a\nb\r\nc\n\nd\n"},
		{"\r\r\n\r", "\n\r\n\n"},
		{"no line end", "no line end"},
	}
	for _, tc := range cases {
		r := &lineEnds{r: bufio.NewReader(iotest.OneByteReader(strings.NewReader(tc.in)))}
		got, err := io.ReadAll(iotest.OneByteReader(r))
		if err != nil || string(got) != tc.want {
			t.Errorf("lineEnds(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestInspect(t *testing.T) {
	dir := shareddata.Path(t, "records", "synthea_csv")
	cases := []struct {
		file string
		want Info
	}{
		{"observations.csv", Info{Table: Observations, Format: SyntheaCSV, Read: true, Rows: 990}},
		{"allergies.csv", Info{Table: "allergies", Format: SyntheaCSV, Rows: 40}},
	}
	for _, tc := range cases {
		got, err := Inspect(context.Background(), filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.file, diff)
		}
	}
	bad, err := Inspect(context.Background(), filepath.Join("testdata", "bad_observations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(bad)
	want := `{"table":"observations","format":"synthea-csv","read":true,` +
		`"rows":3,"rejected_rows":7}`
	if string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	ndj, err := Inspect(context.Background(),
		shareddata.Path(t, "records", "fhir_ndjson", "Immunization.000.ndjson"))
	if err != nil || ndj.Rows != 161 || ndj.Table != "immunizations" {
		t.Errorf("Immunization: %+v, %v", ndj, err)
	}
}

func TestReadFromReader(t *testing.T) {
	// Inputs without a file: the same path the fuzz targets take.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := io.NopCloser(bytes.NewReader([]byte(manyRows(10, 0))))
	st, err := readFrom(context.Background(), in, "o.csv", "o.csv", mem,
		func(Table, arrow.Record) error { return nil })
	if err != nil || st.Rows != 10 {
		t.Errorf("rows %d, err %v", st.Rows, err)
	}
}
