package schemas

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/apache/arrow/go/v17/arrow"
)

// Metadata keys carried by every schema in this package.
const (
	KeyName    = "clinfuse.schema"
	KeyVersion = "clinfuse.schema_version"
)

// ErrSchemaMismatch reports a table or saved artefact whose schema name or
// version differs from the one this build expects.
var ErrSchemaMismatch = errors.New("schemas: schema mismatch")

// newSchema builds a schema with the name and version metadata set.
func newSchema(name string, version int, fields ...arrow.Field) *arrow.Schema {
	md := arrow.NewMetadata(
		[]string{KeyName, KeyVersion},
		[]string{name, strconv.Itoa(version)},
	)
	return arrow.NewSchema(fields, &md)
}

// Check reports whether got carries the same name and version as want, and
// the same fields, returning an error wrapping ErrSchemaMismatch if not.
func Check(want, got *arrow.Schema) error {
	wn, wv := identity(want)
	gn, gv := identity(got)
	if wn != gn || wv != gv {
		return fmt.Errorf("%w: want %s v%s, got %s v%s", ErrSchemaMismatch, wn, wv, gn, gv)
	}
	if !sameFields(want, got) {
		return fmt.Errorf("%w: %s v%s fields differ", ErrSchemaMismatch, wn, wv)
	}
	return nil
}

// sameFields compares names, types and nullability, ignoring field-level
// metadata (Parquet readers add PARQUET:field_id there).
func sameFields(a, b *arrow.Schema) bool {
	if a.NumFields() != b.NumFields() {
		return false
	}
	for i, f := range a.Fields() {
		g := b.Field(i)
		if f.Name != g.Name || f.Nullable != g.Nullable || !arrow.TypeEqual(f.Type, g.Type) {
			return false
		}
	}
	return true
}

func identity(s *arrow.Schema) (name, version string) {
	md := s.Metadata()
	if i := md.FindKey(KeyName); i >= 0 {
		name = md.Values()[i]
	}
	if i := md.FindKey(KeyVersion); i >= 0 {
		version = md.Values()[i]
	}
	return name, version
}

// Common field types.
var (
	tsUTC  = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	str    = arrow.BinaryTypes.String
	f64    = arrow.PrimitiveTypes.Float64
	f32    = arrow.PrimitiveTypes.Float32
	i32    = arrow.PrimitiveTypes.Int32
	i64    = arrow.PrimitiveTypes.Int64
	date32 = arrow.FixedWidthTypes.Date32
	boolT  = arrow.FixedWidthTypes.Boolean
)

func field(name string, t arrow.DataType, nullable bool) arrow.Field {
	return arrow.Field{Name: name, Type: t, Nullable: nullable}
}
