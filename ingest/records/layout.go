package records

import "strings"

// layout describes the columns of one Synthea CSV table across the
// Synthea versions clinfuse knows (2.x and 3.x). Column names are
// upper-cased.
type layout struct {
	table    Table
	required []string
	optional []string
}

var layouts = []layout{
	{Patients, cols("ID BIRTHDATE GENDER"), cols("DEATHDATE SSN DRIVERS PASSPORT " +
		"PREFIX FIRST MIDDLE LAST SUFFIX MAIDEN MARITAL RACE ETHNICITY BIRTHPLACE " +
		"ADDRESS CITY STATE COUNTY FIPS ZIP LAT LON HEALTHCARE_EXPENSES " +
		"HEALTHCARE_COVERAGE INCOME")},
	{Conditions, cols("START STOP PATIENT ENCOUNTER CODE DESCRIPTION"), cols("SYSTEM")},
	{Observations, cols("DATE PATIENT ENCOUNTER CODE DESCRIPTION VALUE UNITS TYPE"),
		cols("CATEGORY")},
	{Encounters, cols("ID START STOP PATIENT ENCOUNTERCLASS CODE DESCRIPTION"),
		cols("ORGANIZATION PROVIDER PAYER SYSTEM BASE_ENCOUNTER_COST TOTAL_CLAIM_COST " +
			"PAYER_COVERAGE REASONCODE REASONDESCRIPTION COST")},
	{Medications, cols("START STOP PATIENT ENCOUNTER CODE DESCRIPTION DISPENSES"),
		cols("PAYER SYSTEM BASE_COST PAYER_COVERAGE TOTALCOST REASONCODE " +
			"REASONDESCRIPTION COST")},
	{"allergies", cols("START STOP PATIENT ENCOUNTER CODE DESCRIPTION"),
		cols("SYSTEM TYPE CATEGORY REACTION1 DESCRIPTION1 SEVERITY1 REACTION2 " +
			"DESCRIPTION2 SEVERITY2")},
	{"careplans", cols("ID START STOP PATIENT ENCOUNTER CODE DESCRIPTION"),
		cols("SYSTEM REASONCODE REASONDESCRIPTION")},
	{"claims", cols("ID PATIENTID PROVIDERID"), nil},
	{"claims_transactions", cols("ID CLAIMID CHARGEID PATIENTID TYPE"), nil},
	{"devices", cols("START STOP PATIENT ENCOUNTER CODE DESCRIPTION UDI"), cols("SYSTEM")},
	{"imaging_studies", cols("ID DATE PATIENT ENCOUNTER MODALITY_CODE"),
		cols("SERIES_UID BODYSITE_CODE BODYSITE_DESCRIPTION MODALITY_DESCRIPTION " +
			"INSTANCE_UID SOP_CODE SOP_DESCRIPTION PROCEDURE_CODE")},
	{"immunizations", cols("DATE PATIENT ENCOUNTER CODE DESCRIPTION"),
		cols("SYSTEM BASE_COST COST")},
	{"organizations", cols("ID NAME ADDRESS CITY STATE ZIP"),
		cols("LAT LON PHONE REVENUE UTILIZATION")},
	{"payer_transitions", cols("PATIENT PAYER"), cols("MEMBERID START_YEAR END_YEAR " +
		"START_DATE END_DATE SECONDARY_PAYER OWNERSHIP OWNERNAME PLAN_OWNERSHIP OWNER_NAME")},
	{"payers", cols("ID NAME AMOUNT_COVERED AMOUNT_UNCOVERED"), nil},
	{"procedures", cols("PATIENT ENCOUNTER CODE DESCRIPTION"), cols("START STOP DATE " +
		"SYSTEM BASE_COST COST REASONCODE REASONDESCRIPTION")},
	{"providers", cols("ID ORGANIZATION NAME GENDER SPECIALITY"), cols("ADDRESS CITY " +
		"STATE ZIP LAT LON UTILIZATION ENCOUNTERS PROCEDURES")},
	{"supplies", cols("DATE PATIENT ENCOUNTER CODE DESCRIPTION QUANTITY"), cols("SYSTEM")},
}

func cols(s string) []string { return strings.Fields(s) }

// fit scores how well a header fits a layout: ok when every required
// column is present; unknown counts header columns the layout does not
// have, absent the layout's optional columns the header lacks.
func (l layout) fit(header map[string]bool, n int) (unknown, absent int, ok bool) {
	for _, c := range l.required {
		if !header[c] {
			return 0, 0, false
		}
	}
	known := len(l.required)
	for _, c := range l.optional {
		if header[c] {
			known++
		} else {
			absent++
		}
	}
	return n - known, absent, true
}

// matchLayout picks the table whose layout fits the header columns best.
// Among the layouts whose required columns are all present and that have
// the fewest unknown columns, a table named by the file's stem wins;
// otherwise the one with the fewest absent optional columns. An exact tie is
// no match.
func matchLayout(header []string, stem string) (Table, bool) {
	set := make(map[string]bool, len(header))
	for _, c := range header {
		set[c] = true
	}
	type cand struct {
		t       Table
		u, a    int
		viaName bool
	}
	var cs []cand
	minU := 1 << 30
	for _, l := range layouts {
		if u, a, ok := l.fit(set, len(set)); ok {
			cs = append(cs, cand{l.table, u, a, namedBy(stem, l.table)})
			minU = min(minU, u)
		}
	}
	var best cand
	tie := false
	for _, c := range cs {
		switch {
		case c.u != minU:
		case c.viaName:
			return c.t, true
		case best.t == "" || c.a < best.a:
			best, tie = c, false
		case c.a == best.a:
			tie = true
		}
	}
	return best.t, best.t != "" && !tie
}

// namedBy reports whether a file stem names table t: equal to it, or
// starting with it followed by a separator or digit (conditions_2024).
func namedBy(stem string, t Table) bool {
	rest, ok := strings.CutPrefix(stem, string(t))
	if !ok {
		return false
	}
	return rest == "" || strings.ContainsAny(rest[:1], "_- 0123456789")
}
