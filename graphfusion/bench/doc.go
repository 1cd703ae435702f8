// Package bench reads the two public reference data sets that graphfusion
// is benchmarked on.
//
// Cora (Planetoid split) is a folder holding nodes.tsv (node, label, the
// comma-separated indices of its nonzero binary word features), edges.tsv
// (two node numbers per line, each undirected edge once) and train.txt,
// val.txt, test.txt (one node number per line). Lines starting with '#' and
// blank lines are ignored. Node numbers must run from 0 without gaps.
//
// The MOGONET layout is a folder holding, per view v = 1, 2, ...,
// v_tr.csv and v_te.csv (comma-separated numbers, one sample per line, no
// header) and labels_tr.csv, labels_te.csv (one integer class per line,
// written as a number such as 1.0e+00). Views are read while files v_tr.csv
// exist; all views must have the same samples.
//
// Errors name the file and line and wrap ErrMalformed.
package bench
