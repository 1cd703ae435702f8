// Package records reads the structured-records part of an export into Arrow
// record batches: patients, conditions, observations, encounters and
// medications, with the schemas of package schemas.
//
// # Formats
//
// Two formats are accepted, told apart by content (Sniff):
//
//   - Synthea CSV ("synthea-csv"): one table per file, comma-separated with a
//     header line (RFC 4180 quoting). The table is recognised from the header's
//     column names; older layouts (observations without CATEGORY, conditions
//     and observations dated YYYY-MM-DD) and newer ones (CATEGORY, SYSTEM,
//     ISO 8601 timestamps) are both read. A header shared by two tables (the
//     older allergies and conditions layouts are identical) is settled by the
//     file name; with no telling name it is read as conditions. Synthea's other
//     tables (allergies, careplans, claims, devices, imaging_studies,
//     immunizations, organizations, payers, payer_transitions, procedures,
//     providers, supplies) are recognised but not read (Table.Read is false).
//   - FHIR R4 Bulk Data NDJSON ("fhir-ndjson"): one JSON resource per line, all
//     of the file's resource type, which is taken from the first line's
//     resourceType. Patient, Condition, Observation, Encounter and
//     MedicationRequest are read; other resource types are recognised but not
//     read. Bundles are not part of a bulk export and are not claimed.
//
// Both readers accept a UTF-8 byte-order mark, blank lines, and LF, CRLF or
// CR-only line endings (quoted CSV fields may span lines). Bytes that are not
// UTF-8 (a Latin-1 export) are replaced by U+FFFD in every text column, as
// encoding/json does for FHIR. UTF-16 files are refused with ErrUnsupported.
//
// # Mapping
//
// Codes keep their coding system. Synthea conditions and encounters are
// "SNOMED-CT" unless a SYSTEM column names another system; observations are
// "http://loinc.org"; medications "RxNorm". FHIR codings keep their system
// URI. A FHIR Condition yields one row per coding that carries a code, so
// that a target may be matched in any system; an Observation yields one row
// for its own code (the LOINC coding when there is one, else the first) when
// it has a value or no components, and one row per component, each with the
// component's code and value (blood pressure arrives this way). Units are
// kept as written (FHIR Quantity.unit, else its code). Decimals such as
// 1.2E+2 are read as numbers.
//
// The patient's site is Synthea's COUNTY, or FHIR Patient.address[0].district,
// else its city. Sex is F, M, O or U (FHIR gender female, male, other,
// unknown; absent is U).
//
// # Dates
//
// Dates follow the FHIR R4 grammar for date and dateTime: YYYY, YYYY-MM,
// YYYY-MM-DD, or a full date and time with seconds, optional fraction and a
// required zone (Z or ±hh:mm). A partial date stands for the first instant
// of its period in UTC (1974-06 is 1974-06-01T00:00Z); fractions finer than
// a millisecond are truncated. Synthea CSV accepts the same forms and is
// lenient where Synthea versions differ: the zone may be missing (read as
// UTC), the seconds may be missing, and a space may separate date and time.
// Date columns (birth and death) keep the calendar date as written, before
// any zone conversion.
//
// FHIR decoding is strict for the elements it uses: each must have its FHIR
// JSON type (a decimal written as a JSON string is refused), dates must
// match the grammar above and be real calendar dates, the subject must be a
// Patient reference (Patient/id, an absolute URL ending so, or urn:uuid),
// and every line must hold exactly one resource of the file's type, with
// at most one value[x]. Other elements are not decoded. Two leniencies come
// from encoding/json and are known: element names are matched without
// regard to case, and a repeated element keeps its last value. A
// MedicationRequest that names its drug only by reference is rejected,
// since Medication resources are not read; a Patient deceased without a
// date (deceasedBoolean) has no death date. Resources marked entered-in-error (and refuted
// conditions, cancelled observations and encounters) are skipped, counted in
// Stats.Skipped, and are not rows.
//
// # Errors
//
// A row that cannot be read is rejected with its line (the first line of a
// multi-line CSV record) and a reason, and reading goes on; the file's good
// rows are kept. Reasons name the column or element and the problem, never
// the value, so they carry no patient data. A file that cannot be read at
// all fails with an error wrapping ErrMalformed (unreadable or not what it
// claims) or ErrUnsupported (recognised but not read, or an encoding that is
// not handled).
//
// # Memory
//
// Files are streamed: batches of at most BatchRows rows are built with the
// caller's allocator and handed to emit, then released.
package records
