package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/clinfuse/clinfuse/ingest/imaging"
	"github.com/clinfuse/clinfuse/ingest/records"
	"github.com/clinfuse/clinfuse/ingest/variants"
)

// Description is one line of `clinfuse inspect`: what a file is, whether
// clinfuse can read it, and what it holds.
type Description struct {
	Path   string
	Kind   Kind
	OK     bool
	Reason string
	// Detail is the kind's own description (imaging.Info, records.Info or
	// variants.Info), nil when the file was rejected before it was read.
	Detail any
}

// MarshalJSON writes path, kind, status and reason first, then the fields
// of Detail, in one flat object.
func (d Description) MarshalJSON() ([]byte, error) {
	status := "ok"
	if !d.OK {
		status = "rejected"
	}
	head, err := json.Marshal(struct {
		Path   string `json:"path"`
		Kind   Kind   `json:"kind"`
		Status string `json:"status"`
		Reason string `json:"reason"`
	}{d.Path, d.Kind, status, d.Reason})
	if err != nil || d.Detail == nil {
		return head, err
	}
	body, err := json.Marshal(d.Detail)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) <= 2 || body[0] != '{' {
		return head, nil
	}
	out := append(head[:len(head)-1], ',')
	return append(out, body[1:]...), nil
}

// Inspect describes each file named by paths; folders are walked. Results
// come in argument order, each folder's files in path order.
func Inspect(ctx context.Context, paths []string) ([]Description, error) {
	var out []Description
	for _, p := range paths {
		files, err := expand(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out = append(out, describeOne(ctx, f))
		}
	}
	return out, nil
}

// expand lists p itself, or every file under p when it is a folder.
func expand(p string) ([]string, error) {
	info, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("ingest: inspect: %w", err)
	}
	if !info.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, q)
		}
		return nil
	})
	slices.Sort(files)
	return files, err
}

func describeOne(ctx context.Context, path string) Description {
	d := Description{Path: path, Kind: KindUnknown}
	info, err := os.Lstat(path)
	if err == nil {
		err = checkRegular(filepath.Dir(path), path, info)
	}
	var head []byte
	if err == nil {
		head, _, _, err = hashFile(path)
	}
	if err != nil {
		d.Reason = unwrapPath(err).Error()
		return d
	}
	kind, _, _ := Sniff(filepath.Base(path), head)
	d.Kind = kind
	d.Detail, err = inspectKind(ctx, kind, path, head)
	if err != nil {
		d.Reason = err.Error()
		var fe *imaging.FileError
		if errors.As(err, &fe) {
			d.Reason = fe.Err.Error() // the line names the file already
		}
		return d
	}
	d.OK = true
	return d
}

func inspectKind(ctx context.Context, kind Kind, path string, head []byte) (any, error) {
	switch kind {
	case KindDICOM:
		info, err := imaging.Inspect(ctx, path, imaging.DefaultLimits())
		return info, err
	case KindRecords:
		info, err := records.Inspect(ctx, path)
		return info, err
	case KindVariants, KindSampleMap, KindClinical:
		info, err := variants.Inspect(ctx, path)
		return info, err
	}
	return nil, errors.New(UnknownReason(head))
}
