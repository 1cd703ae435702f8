package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/clinfuse/clinfuse/ingest/imaging"
	"github.com/clinfuse/clinfuse/ingest/records"
	"github.com/clinfuse/clinfuse/ingest/variants"
)

// Kind is what sniffing a file's content found.
type Kind string

// The kinds of input files.
const (
	KindDICOM     Kind = "dicom"
	KindRecords   Kind = "records"
	KindVariants  Kind = "variants"
	KindSampleMap Kind = "sample_map"
	KindClinical  Kind = "clinical"
	KindUnknown   Kind = "unknown"
)

// File is one file of an export.
type File struct {
	// Path is slash-separated and relative to the export root.
	Path string
	// Abs is the path to open.
	Abs    string
	Size   int64
	SHA256 string
	Kind   Kind
	// Part is the top-level folder: imaging, records, genomics or other.
	Part string
	// Table and Format refine Kind for records and variant files.
	Table  records.Table
	Format string
	// Unknown says why a file of KindUnknown was not recognised.
	Unknown string
	// Err is set when the file cannot be read at all (permissions, a
	// symbolic link, a special file); such a file is rejected with it.
	Err error
}

// ErrUnreadable reports a file that could not be opened or read.
var ErrUnreadable = errors.New("ingest: unreadable file")

// sniffBytes is how much of a file's head the sniffers see.
const sniffBytes = 4096

// Inventory walks root and returns every file in path order, hashed and
// sniffed, using up to workers goroutines. It fails only when root itself
// cannot be walked; per-file problems are recorded in File.Err.
func Inventory(ctx context.Context, root string, workers int) ([]File, error) {
	paths, err := walk(root)
	if err != nil {
		return nil, err
	}
	files := make([]File, len(paths))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, workers))
	for i, p := range paths {
		g.Go(func() error {
			if err := ctx.Err(); err != nil {
				return err
			}
			files[i] = describe(root, p)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return files, nil
}

// walk lists the export-relative paths of every non-directory entry.
func walk(root string) ([]string, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("ingest: export: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("ingest: export %s is not a folder", root)
	}
	var paths []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			// An unreadable folder is listed as one rejected entry.
			rel, _ := filepath.Rel(root, p)
			paths = append(paths, filepath.ToSlash(rel))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		paths = append(paths, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ingest: walking export: %w", err)
	}
	slices.Sort(paths)
	return slices.Compact(paths), nil
}

// describe hashes and sniffs one file.
func describe(root, rel string) File {
	f := File{Path: rel, Abs: filepath.Join(root, filepath.FromSlash(rel)), Part: part(rel)}
	info, err := os.Lstat(f.Abs)
	if err != nil {
		f.Kind, f.Err = KindUnknown, fmt.Errorf("%w: %v", ErrUnreadable, unwrapPath(err))
		return f
	}
	if err := checkRegular(root, f.Abs, info); err != nil {
		f.Kind, f.Err = KindUnknown, err
		return f
	}
	head, sum, size, err := hashFile(f.Abs)
	f.Size, f.SHA256 = size, sum
	if err != nil {
		f.Kind, f.Err = KindUnknown, fmt.Errorf("%w: %v", ErrUnreadable, unwrapPath(err))
		return f
	}
	f.Kind, f.Table, f.Format = Sniff(rel, head)
	if f.Kind == KindUnknown {
		f.Unknown = UnknownReason(head)
	}
	return f
}

// UnknownReason says why content with this head is not a recognised input.
func UnknownReason(head []byte) string {
	switch {
	case len(head) == 0:
		return "empty file"
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return "gzip-compressed content that is not a recognised input " +
			"(only VCF and MAF may be compressed)"
	}
	return "not a recognised input: neither DICOM, clinical records nor variants"
}

// checkRegular refuses symbolic links and special files.
func checkRegular(root, abs string, info fs.FileInfo) error {
	mode := info.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		target, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return fmt.Errorf("%w: broken symbolic link", ErrUnreadable)
		}
		rootAbs, _ := filepath.EvalSymlinks(root)
		if rel, err := filepath.Rel(rootAbs, target); err != nil || !filepath.IsLocal(rel) {
			return fmt.Errorf("%w: symbolic link points outside the export (not followed)",
				ErrUnreadable)
		}
		return fmt.Errorf("%w: symbolic link (not followed; its target is read if it is "+
			"in the export)", ErrUnreadable)
	case !mode.IsRegular():
		return fmt.Errorf("%w: not a regular file (%s)", ErrUnreadable, mode.Type())
	}
	return nil
}

// hashFile returns the file's first sniffBytes bytes, its SHA-256 and size,
// reading it once.
func hashFile(path string) (head []byte, sum string, size int64, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	buf := make([]byte, sniffBytes)
	n, err := io.ReadFull(fh, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, "", 0, err
	}
	head = buf[:n]
	h.Write(head)
	rest, err := io.Copy(h, fh)
	if err != nil {
		return nil, "", 0, err
	}
	return head, hex.EncodeToString(h.Sum(nil)), int64(n) + rest, nil
}

// unwrapPath drops the path from an *fs.PathError so that messages name the
// file once, by its export-relative path, where the caller puts it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

func part(rel string) string {
	top, _, _ := strings.Cut(rel, "/")
	switch top {
	case "imaging", "records", "genomics":
		return top
	}
	return "other"
}

// Sniff decides a file's kind from its export-relative name and first bytes.
// DICOM is tried first (its preamble or dataset start is unambiguous), then
// the variant formats (which include gzip-compressed content), then records.
func Sniff(name string, head []byte) (Kind, records.Table, string) {
	if len(head) == 0 {
		return KindUnknown, "", ""
	}
	if imaging.Sniff(head) {
		return KindDICOM, "", ""
	}
	if f, ok := variants.Sniff(name, head); ok {
		switch f {
		case variants.FormatSampleMap:
			return KindSampleMap, "", string(f)
		case variants.FormatClinical:
			return KindClinical, "", string(f)
		}
		return KindVariants, "", string(f)
	}
	if t, f, ok := records.Sniff(name, head); ok {
		return KindRecords, t, string(f)
	}
	return KindUnknown, "", ""
}
