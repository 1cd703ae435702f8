package graphfusion

// InTestSplit reports whether Evaluate holds the patient with this id out for
// testing under seed, so that callers training their own parts (such as
// supervised encoders) can use the same training patients.
func InTestSplit(seed uint64, id string) bool {
	return hashUnit(seed, "test", id) < testFraction
}
