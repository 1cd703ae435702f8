// Package encoders turns each patient's modalities into fixed-width
// embeddings.
package encoders

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia needs it on Go 1.26
