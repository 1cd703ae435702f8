// Package gnn holds the numerical building blocks that graphfusion trains
// with gorgonia: a compressed sparse row matrix (CSR), a gorgonia operation
// multiplying a constant sparse matrix by a dense matrix whose gradient is
// the same operation on the transposed matrix, seeded Glorot
// initialisation, dropout masks drawn from a caller's seeded source, and
// the Adam optimiser with per-parameter L2 weight decay.
//
// Everything here is deterministic: randomness comes only from a
// *rand.Rand the caller seeds, and every reduction runs in a fixed order,
// so results do not depend on GOMAXPROCS.
//
// gorgonia's own weight initialisers and dropout draw from the clock and
// its sparse multiplication panics; this package exists so that graphfusion
// never calls them.
package gnn

import _ "go4.org/unsafe/assume-no-moving-gc" // gorgonia needs it on Go 1.26
