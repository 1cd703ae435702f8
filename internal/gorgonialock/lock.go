// Package gorgonialock serialises the building of gorgonia expression
// graphs across the module.
//
// gorgonia v0.9.18 keeps package-level constant nodes (one, two, zero, ln 2
// and others) that every graph shares, and a node caches its hash the first
// time it is asked for, without synchronisation. Grad and several operators
// add those constants to the graph being built, which asks for their hash:
// two goroutines building graphs at once then race on the same cached
// field. Building, differentiating and compiling a graph while holding Mu
// keeps those writes apart. Running a built machine touches only its own
// graph's nodes and needs no lock, so fold models still train in parallel.
package gorgonialock

import "sync"

// Mu is held while a gorgonia graph is built and differentiated.
var Mu sync.Mutex
