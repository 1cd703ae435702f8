package records

// Decoding of the five FHIR resource types that are read, each into the
// rows of its table.

type patientJSON struct {
	ResourceType     string          `json:"resourceType"`
	ID               string          `json:"id"`
	Gender           string          `json:"gender"`
	BirthDate        string          `json:"birthDate"`
	DeceasedDateTime string          `json:"deceasedDateTime"`
	Address          []addressJSON   `json:"address"`
	Extension        []fhirExtension `json:"extension"`
}

type addressJSON struct {
	City     string `json:"city"`
	District string `json:"district"`
}

type patientFHIR struct {
	want string
	row  patientRow
}

func (p *patientFHIR) decode(b []byte) (string, bool) {
	var r patientJSON
	if reason := unmarshal(b, &r, &r.ResourceType, p.want); reason != "" {
		return reason, false
	}
	var f fhirFields
	if !validID(r.ID) {
		f.fail("id", "not a FHIR id")
	}
	sex, ok := fhirSex(r.Gender)
	if !ok {
		f.fail("gender", "not a FHIR administrative gender")
	}
	p.row = patientRow{
		id:    r.ID,
		birth: f.time("birthDate", r.BirthDate, fhirDate, false),
		death: f.time("deceasedDateTime", r.DeceasedDateTime, fhirDateTime, false),
		sex:   sex,
		race:  usCoreText(r.Extension, urlRace),
		eth:   usCoreText(r.Extension, urlEthnicity),
	}
	if len(r.Address) > 0 {
		p.row.site = r.Address[0].District
		if p.row.site == "" {
			p.row.site = r.Address[0].City
		}
	}
	return f.reason, false
}

func (p *patientFHIR) rows(out *sink) error { return emitRow(out, p.row.put) }

// fhirSex maps FHIR administrative gender to F, M, O or U.
func fhirSex(g string) (string, bool) {
	switch g {
	case "female":
		return "F", true
	case "male":
		return "M", true
	case "other":
		return "O", true
	case "unknown", "":
		return "U", true
	}
	return "", false
}

type conditionJSON struct {
	ResourceType       string        `json:"resourceType"`
	VerificationStatus fhirConcept   `json:"verificationStatus"`
	Code               fhirConcept   `json:"code"`
	Subject            fhirReference `json:"subject"`
	OnsetDateTime      string        `json:"onsetDateTime"`
	OnsetPeriod        fhirPeriod    `json:"onsetPeriod"`
	RecordedDate       string        `json:"recordedDate"`
	AbatementDateTime  string        `json:"abatementDateTime"`
	AbatementPeriod    fhirPeriod    `json:"abatementPeriod"`
}

type conditionFHIR struct {
	want string
	r    conditionJSON
	row  conditionRow
}

func (p *conditionFHIR) decode(b []byte) (string, bool) {
	p.r = conditionJSON{}
	r := &p.r
	if reason := unmarshal(b, r, &r.ResourceType, p.want); reason != "" {
		return reason, false
	}
	if vs, ok := r.VerificationStatus.first(); ok &&
		statusIn(vs.Code, "entered-in-error", "refuted") {
		return "", true
	}
	var f fhirFields
	name, start := firstOf("onsetDateTime", r.OnsetDateTime,
		"onsetPeriod.start", r.OnsetPeriod.Start, "recordedDate", r.RecordedDate)
	stopName, stop := firstOf("abatementDateTime", r.AbatementDateTime,
		"abatementPeriod.end", r.AbatementPeriod.End)
	p.row = conditionRow{
		patient: f.subject("subject", r.Subject),
		start:   f.time(name, start, fhirDateTime, true).ms,
		stop:    f.time(stopName, stop, fhirDateTime, false),
	}
	if _, ok := r.Code.first(); !ok {
		f.fail("code", "no coding with a code")
	}
	return f.reason, false
}

// rows writes one row per coding that carries a code.
func (p *conditionFHIR) rows(out *sink) error {
	for _, cd := range p.r.Code.Coding {
		if cd.Code == "" {
			continue
		}
		p.row.system, p.row.code, p.row.desc = cd.System, cd.Code, p.r.Code.label(cd)
		if err := emitRow(out, p.row.put); err != nil {
			return err
		}
	}
	return nil
}

// valueJSON holds the value[x] choices of an Observation or component.
type valueJSON struct {
	ValueQuantity        *fhirQuantity `json:"valueQuantity"`
	ValueCodeableConcept *fhirConcept  `json:"valueCodeableConcept"`
	ValueString          *string       `json:"valueString"`
	ValueBoolean         *bool         `json:"valueBoolean"`
	ValueInteger         *int64        `json:"valueInteger"`
}

// has reports whether any value is present.
func (v *valueJSON) has() bool { return v.count() > 0 }

// count is the number of value[x] choices present; FHIR allows one.
func (v *valueJSON) count() int {
	n := 0
	for _, set := range []bool{v.ValueQuantity != nil, v.ValueCodeableConcept != nil,
		v.ValueString != nil, v.ValueBoolean != nil, v.ValueInteger != nil} {
		if set {
			n++
		}
	}
	return n
}

// check fails f when more than one value is present or a decimal is bad.
func (v *valueJSON) check(f *fhirFields, prefix string) {
	if v.count() > 1 {
		f.fail(prefix+"value[x]", "more than one value")
	}
	if q := v.ValueQuantity; q != nil && q.Value.bad != "" {
		f.fail(prefix+"valueQuantity.value", q.Value.bad)
	}
}

// fill sets the value, text and unit of an observation row.
func (v *valueJSON) fill(r *observationRow) {
	r.value, r.hasValue, r.text, r.unit = 0, false, "", ""
	switch {
	case v.ValueQuantity != nil:
		q := v.ValueQuantity
		r.value, r.hasValue = q.Value.v, q.Value.set
		r.unit = q.Unit
		if r.unit == "" {
			r.unit = q.Code
		}
	case v.ValueInteger != nil:
		r.value, r.hasValue = float64(*v.ValueInteger), true
	case v.ValueCodeableConcept != nil:
		c := v.ValueCodeableConcept
		cd, _ := c.first()
		r.text = c.label(cd)
		if r.text == "" {
			r.text = cd.Code
		}
	case v.ValueString != nil:
		r.text = *v.ValueString
	case v.ValueBoolean != nil:
		r.text = "false"
		if *v.ValueBoolean {
			r.text = "true"
		}
	}
}

type componentJSON struct {
	Code fhirConcept `json:"code"`
	valueJSON
}

type observationJSON struct {
	ResourceType      string          `json:"resourceType"`
	Status            string          `json:"status"`
	Category          []fhirConcept   `json:"category"`
	Code              fhirConcept     `json:"code"`
	Subject           fhirReference   `json:"subject"`
	EffectiveDateTime string          `json:"effectiveDateTime"`
	EffectiveInstant  string          `json:"effectiveInstant"`
	EffectivePeriod   fhirPeriod      `json:"effectivePeriod"`
	Issued            string          `json:"issued"`
	Component         []componentJSON `json:"component"`
	valueJSON
}

type observationFHIR struct {
	want string
	r    observationJSON
	row  observationRow
}

func (p *observationFHIR) decode(b []byte) (string, bool) {
	p.r = observationJSON{}
	r := &p.r
	if reason := unmarshal(b, r, &r.ResourceType, p.want); reason != "" {
		return reason, false
	}
	if statusIn(r.Status, "entered-in-error", "cancelled") {
		return "", true
	}
	var f fhirFields
	name, when := firstOf("effectiveDateTime", r.EffectiveDateTime,
		"effectiveInstant", r.EffectiveInstant, "effectivePeriod.start",
		r.EffectivePeriod.Start, "issued", r.Issued)
	p.row = observationRow{
		patient: f.subject("subject", r.Subject),
		time:    f.time(name, when, fhirDateTime, true).ms,
	}
	if len(r.Category) > 0 {
		cd, _ := r.Category[0].first()
		p.row.category = cd.Code
	}
	if _, ok := r.Code.first(); !ok && len(r.Component) == 0 {
		f.fail("code", "no coding with a code")
	}
	r.check(&f, "")
	for i := range r.Component {
		c := &r.Component[i]
		if _, ok := c.Code.first(); !ok {
			f.fail("component.code", "no coding with a code")
		}
		c.check(&f, "component.")
	}
	return f.reason, false
}

// rows writes the observation's own row when it has a value or no
// components, then one row per component.
func (p *observationFHIR) rows(out *sink) error {
	r := &p.r
	if cd, ok := r.Code.prefer(systemLOINC); ok && (r.has() || len(r.Component) == 0) {
		if err := p.emit(out, &r.Code, cd, &r.valueJSON); err != nil {
			return err
		}
	}
	for i := range r.Component {
		c := &r.Component[i]
		cd, _ := c.Code.prefer(systemLOINC)
		if err := p.emit(out, &c.Code, cd, &c.valueJSON); err != nil {
			return err
		}
	}
	return nil
}

func (p *observationFHIR) emit(out *sink, c *fhirConcept, cd fhirCoding, v *valueJSON) error {
	p.row.system, p.row.code, p.row.desc = cd.System, cd.Code, c.label(cd)
	v.fill(&p.row)
	return emitRow(out, p.row.put)
}

type encounterJSON struct {
	ResourceType string        `json:"resourceType"`
	ID           string        `json:"id"`
	Status       string        `json:"status"`
	Class        fhirCoding    `json:"class"`
	Type         []fhirConcept `json:"type"`
	Subject      fhirReference `json:"subject"`
	Period       fhirPeriod    `json:"period"`
}

type encounterFHIR struct {
	want string
	row  encounterRow
}

func (p *encounterFHIR) decode(b []byte) (string, bool) {
	var r encounterJSON
	if reason := unmarshal(b, &r, &r.ResourceType, p.want); reason != "" {
		return reason, false
	}
	if statusIn(r.Status, "entered-in-error", "cancelled") {
		return "", true
	}
	var f fhirFields
	if !validID(r.ID) {
		f.fail("id", "not a FHIR id")
	}
	p.row = encounterRow{
		patient: f.subject("subject", r.Subject),
		id:      r.ID,
		start:   f.time("period.start", r.Period.Start, fhirDateTime, true).ms,
		stop:    f.time("period.end", r.Period.End, fhirDateTime, false),
		class:   r.Class.Code,
	}
	if len(r.Type) > 0 {
		if cd, ok := r.Type[0].first(); ok {
			p.row.system, p.row.code, p.row.desc = cd.System, cd.Code, r.Type[0].label(cd)
		}
	}
	return f.reason, false
}

func (p *encounterFHIR) rows(out *sink) error { return emitRow(out, p.row.put) }

type medicationJSON struct {
	ResourceType              string         `json:"resourceType"`
	Status                    string         `json:"status"`
	MedicationCodeableConcept *fhirConcept   `json:"medicationCodeableConcept"`
	MedicationReference       *fhirReference `json:"medicationReference"`
	Subject                   fhirReference  `json:"subject"`
	AuthoredOn                string         `json:"authoredOn"`
	DispenseRequest           struct {
		ValidityPeriod fhirPeriod `json:"validityPeriod"`
	} `json:"dispenseRequest"`
}

type medicationFHIR struct {
	want string
	row  medicationRow
}

func (p *medicationFHIR) decode(b []byte) (string, bool) {
	var r medicationJSON
	if reason := unmarshal(b, &r, &r.ResourceType, p.want); reason != "" {
		return reason, false
	}
	if r.Status == "entered-in-error" {
		return "", true
	}
	var f fhirFields
	p.row = medicationRow{
		patient: f.subject("subject", r.Subject),
		start:   f.time("authoredOn", r.AuthoredOn, fhirDateTime, true).ms,
		stop: f.time("dispenseRequest.validityPeriod.end",
			r.DispenseRequest.ValidityPeriod.End, fhirDateTime, false),
	}
	switch c := r.MedicationCodeableConcept; {
	case c != nil:
		cd, ok := c.first()
		if !ok {
			f.fail("medicationCodeableConcept", "no coding with a code")
		}
		p.row.system, p.row.code, p.row.desc = cd.System, cd.Code, c.label(cd)
	case r.MedicationReference != nil:
		f.fail("medicationReference", "Medication resources are not read")
	default:
		f.fail("medication[x]", "missing")
	}
	return f.reason, false
}

func (p *medicationFHIR) rows(out *sink) error { return emitRow(out, p.row.put) }
