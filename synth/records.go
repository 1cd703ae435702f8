package synth

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// table is one CSV file being built.
type table struct {
	name   string
	header []string
	rows   [][]string
}

func (t *table) add(row ...string) { t.rows = append(t.rows, row) }

func (t *table) write(dir string) error {
	f, err := os.Create(filepath.Join(dir, t.name))
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	w := csv.NewWriter(f)
	w.Write(t.header)
	w.WriteAll(t.rows)
	if err := w.Error(); err != nil {
		f.Close()
		return fmt.Errorf("synth: %s: %w", t.name, err)
	}
	return f.Close()
}

// recordTables are the Synthea CSV tables written, with Synthea 3.x headers.
type recordTables struct {
	patients, encounters, conditions, observations, medications table
}

func newRecordTables() *recordTables {
	return &recordTables{
		patients: table{name: "patients.csv", header: []string{"Id", "BIRTHDATE", "DEATHDATE",
			"SSN", "DRIVERS", "PASSPORT", "PREFIX", "FIRST", "LAST", "SUFFIX", "MAIDEN",
			"MARITAL", "RACE", "ETHNICITY", "GENDER", "BIRTHPLACE", "ADDRESS", "CITY", "STATE",
			"COUNTY", "ZIP", "LAT", "LON", "HEALTHCARE_EXPENSES", "HEALTHCARE_COVERAGE"}},
		encounters: table{name: "encounters.csv", header: []string{"Id", "START", "STOP",
			"PATIENT", "ORGANIZATION", "PROVIDER", "PAYER", "ENCOUNTERCLASS", "CODE",
			"DESCRIPTION", "BASE_ENCOUNTER_COST", "TOTAL_CLAIM_COST", "PAYER_COVERAGE",
			"REASONCODE", "REASONDESCRIPTION"}},
		conditions: table{name: "conditions.csv", header: []string{"START", "STOP", "PATIENT",
			"ENCOUNTER", "CODE", "DESCRIPTION"}},
		observations: table{name: "observations.csv", header: []string{"DATE", "PATIENT",
			"ENCOUNTER", "CATEGORY", "CODE", "DESCRIPTION", "VALUE", "UNITS", "TYPE"}},
		medications: table{name: "medications.csv", header: []string{"START", "STOP", "PATIENT",
			"PAYER", "ENCOUNTER", "CODE", "DESCRIPTION", "BASE_COST", "PAYER_COVERAGE",
			"DISPENSES", "TOTALCOST", "REASONCODE", "REASONDESCRIPTION"}},
	}
}

func writeRecords(dir string, pats []*patient, rng *rand.Rand) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	t := newRecordTables()
	for _, p := range pats {
		t.addPatient(p, rng)
	}
	for _, tab := range []*table{&t.patients, &t.encounters, &t.conditions,
		&t.observations, &t.medications} {
		if err := tab.write(dir); err != nil {
			return err
		}
	}
	return nil
}

const (
	org      = "5a4c1e7e-0000-4000-8000-00000000c0de"
	provider = "5a4c1e7e-0000-4000-8000-0000000d0c70"
	payer    = "5a4c1e7e-0000-4000-8000-0000000ba1e5"
)

// lab is one observation kind and how a patient's value is drawn.
type lab struct {
	code, desc, unit, category string
	value                      func(p *patient, base float64, rng *rand.Rand) float64
}

// labs lists the observations of a visit. base is a per-patient offset drawn
// once, so that repeated measurements of one patient agree.
var labs = []lab{
	{"4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 5.4 + 0.3*p.zLab + 0.15*b + 0.12*r.NormFloat64()
		}},
	{"2339-0", "Glucose [Mass/volume] in Blood", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 92 + 8*p.zLab + 4*b + 7*r.NormFloat64()
		}},
	{"2571-8", "Triglycerides", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 130 + 22*p.zLab + 15*b + 20*r.NormFloat64()
		}},
	{"2085-9", "High Density Lipoprotein Cholesterol", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 52 - 3*p.zLab + sexHDL(p) + 5*r.NormFloat64()
		}},
	{"18262-6", "Low Density Lipoprotein Cholesterol", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 110 + 20*b + 10*r.NormFloat64()
		}},
	{"2093-3", "Total Cholesterol", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 185 + 25*b + 12*r.NormFloat64()
		}},
	{"38483-4", "Creatinine", "mg/dL", "laboratory",
		func(p *patient, b float64, r *rand.Rand) float64 {
			return 0.9 + 0.1*b + 0.08*r.NormFloat64()
		}},
}

func sexHDL(p *patient) float64 {
	if p.sex == "F" {
		return 6
	}
	return 0
}

func (t *recordTables) addPatient(p *patient, rng *rand.Rand) {
	ssn := fmt.Sprintf("999-%02d-%04d", rng.IntN(100), rng.IntN(10000))
	t.patients.add(p.id, day(p.birth), "", ssn,
		"", "", "", p.first, p.last, "", "", "", "white", "nonhispanic", p.sex,
		"Springfield  Massachusetts  US", fmt.Sprintf("%d Elm Street", 1+rng.IntN(999)),
		"Springfield", "Massachusetts", p.county, "", "", "", "1000.00", "500.00")
	visits := visitDates(p, rng)
	bases := make([]float64, len(labs))
	for i := range bases {
		bases[i] = rng.NormFloat64()
	}
	height := 163 + 13*boolF(p.sex == "M") + 7*rng.NormFloat64()
	bmi := 26 + 1.6*p.zLab + 2.5*p.body
	for _, v := range visits {
		enc := uuid(rng)
		t.encounters.add(enc, stamp(v), stamp(v.Add(20*time.Minute)), p.id, org, provider, payer,
			"wellness", "162673000", "General examination of patient (procedure)",
			"136.80", "136.80", "0.00", "", "")
		t.addVitals(p, v, enc, height, bmi+0.4*rng.NormFloat64(), rng)
		t.addLabs(p, v, enc, bases, rng)
	}
	t.addConditions(p, visits, rng)
}

// visitDates draws two to five wellness visits inside the follow-up period.
func visitDates(p *patient, rng *rand.Rand) []time.Time {
	n := 2 + rng.IntN(4)
	span := int(AsOf.Sub(studyStart).Hours() / 24)
	out := make([]time.Time, n)
	for i := range out {
		slot := span / n
		d := studyStart.AddDate(0, 0, i*slot+rng.IntN(slot-1))
		hour := time.Duration(8+rng.IntN(9)) * time.Hour
		out[i] = d.Add(hour + time.Duration(rng.IntN(60))*time.Minute)
	}
	return out
}

func (t *recordTables) addVitals(p *patient, v time.Time, enc string, height, bmi float64,
	rng *rand.Rand) {
	weight := bmi * height * height / 10000
	sys := 122 + 0.3*(p.age-55) + 10*rng.NormFloat64()
	dia := 78 + 7*rng.NormFloat64()
	obs := func(code, desc, unit string, val float64) {
		t.observations.add(stamp(v), p.id, enc, "vital-signs", code, desc, num(val), unit,
			"numeric")
	}
	obs("8302-2", "Body Height", "cm", height)
	obs("29463-7", "Body Weight", "kg", weight)
	obs("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", bmi)
	obs("8462-4", "Diastolic Blood Pressure", "mm[Hg]", dia)
	obs("8480-6", "Systolic Blood Pressure", "mm[Hg]", sys)
}

func (t *recordTables) addLabs(p *patient, v time.Time, enc string, bases []float64,
	rng *rand.Rand) {
	if rng.Float64() < 0.25 {
		return // not every visit draws blood
	}
	after := p.diagnosed && !v.Before(p.onset)
	for i, l := range labs {
		val := l.value(p, bases[i], rng)
		if after {
			// After diagnosis the disease is overt: values no pipeline may
			// use as features, since they follow the diagnosis.
			switch l.code {
			case "4548-4":
				val += 1.5
			case "2339-0":
				val += 40
			}
		}
		t.observations.add(stamp(v.Add(10*time.Minute)), p.id, enc, l.category, l.code, l.desc,
			num(val), l.unit, "numeric")
	}
}

// condition is a background condition and its chance for a patient.
type condition struct {
	code, desc string
	chance     func(p *patient) float64
}

var conditions = []condition{
	{"59621000", "Essential hypertension (disorder)",
		func(p *patient) float64 { return 0.1 + 0.006*(p.age-30) }},
	{"55822004", "Hyperlipidemia (disorder)", func(p *patient) float64 { return 0.2 }},
	{"15777000", "Prediabetes (finding)",
		func(p *patient) float64 { return sigmoid(1.2*p.zLab - 1.8) }},
	{"162864005", "Body mass index 30+ - obesity (finding)",
		func(p *patient) float64 { return sigmoid(1.5*(p.zLab+p.body) - 2) }},
	{"444814009", "Viral sinusitis (disorder)", func(p *patient) float64 { return 0.3 }},
	{"10509002", "Acute bronchitis (disorder)", func(p *patient) float64 { return 0.15 }},
	{"44465007", "Sprain of ankle (disorder)", func(p *patient) float64 { return 0.08 }},
}

func (t *recordTables) addConditions(p *patient, visits []time.Time, rng *rand.Rand) {
	for _, c := range conditions {
		if rng.Float64() < c.chance(p) {
			v := visits[rng.IntN(len(visits))]
			t.conditions.add(day(v), "", p.id, "", c.code, c.desc)
		}
	}
	if !p.diagnosed {
		return
	}
	t.conditions.add(day(p.onset), "", p.id, "", TargetCode, "Diabetes mellitus type 2 (disorder)")
	t.medications.add(stamp(p.onset.Add(9*time.Hour)), "", p.id, payer, "", "860975",
		"24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
		"25.00", "0.00", "12", "300.00", TargetCode, "Diabetes mellitus type 2 (disorder)")
	if rng.IntN(2) == 0 {
		later := p.onset.AddDate(0, 0, 30+rng.IntN(60))
		if later.Before(AsOf) {
			t.conditions.add(day(later), "", p.id, "", "368581000119106",
				"Neuropathy due to type 2 diabetes mellitus (disorder)")
		}
	}
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func boolF(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func day(t time.Time) string   { return t.Format(time.DateOnly) }
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
func num(v float64) string     { return strconv.FormatFloat(v, 'f', 1, 64) }
