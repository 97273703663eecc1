package source

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
)

// ObjectSet is a dataset made only of S3 objects that DynamoDB's bulk put can read as they
// are: DynamoDB JSON with one record per line, in one bucket, all gzip or none, and every
// object under Prefix (the operation reads a prefix, not a list).
type ObjectSet struct {
	Bucket, Prefix string
	Objects        []Object
	Gzip           bool
}

// AsObjectSet returns spec's files as an ObjectSet, or nil and why they are not one. It lists
// the prefix and reads the first bytes of each object, nothing more.
func AsObjectSet(spec Spec) (*ObjectSet, string, error) {
	if _, err := compile(&spec); err != nil {
		return nil, "", err
	}
	files, err := resolve(&spec)
	if err != nil {
		return nil, "", err
	}
	set := &ObjectSet{}
	for i, f := range files {
		switch {
		case f.obj == nil:
			return nil, fmt.Sprintf("%s is not an S3 object", f.name), nil
		case f.format != FormatDynamoDBJSON:
			return nil, fmt.Sprintf("%s is %s, not DynamoDB JSON", f.name, f.format), nil
		case f.obj.Size == 0:
			return nil, fmt.Sprintf("%s is empty", f.name), nil
		case i > 0 && f.obj.Bucket != set.Bucket:
			return nil, fmt.Sprintf("the objects are in more than one bucket (%s and %s)", set.Bucket, f.obj.Bucket), nil
		}
		gz, lines, err := headOf(f)
		if err != nil {
			return nil, "", fmt.Errorf("reading the start of %s: %w", f.name, err)
		}
		switch {
		case !lines:
			return nil, fmt.Sprintf("%s is not one record per line", f.name), nil
		case i > 0 && gz != set.Gzip:
			return nil, "some objects are gzip-compressed and some are not", nil
		}
		if i == 0 {
			set.Bucket, set.Prefix, set.Gzip = f.obj.Bucket, f.obj.Key, gz
		}
		set.Prefix = commonPrefix(set.Prefix, f.obj.Key)
		set.Objects = append(set.Objects, *f.obj)
	}
	if len(set.Objects) == 0 {
		return nil, "the dataset has no objects", nil
	}
	listed, err := spec.Objects.List(set.Bucket, set.Prefix)
	if err != nil {
		return nil, "", fmt.Errorf("listing s3://%s/%s: %w", set.Bucket, set.Prefix, err)
	}
	mine := make(map[string]bool, len(set.Objects))
	for _, o := range set.Objects {
		mine[o.Key] = true
	}
	for _, o := range listed {
		if !mine[o.Key] {
			return nil, fmt.Sprintf("s3://%s/%s holds other objects than the dataset's (%s)", set.Bucket, set.Prefix, o.Key), nil
		}
	}
	return set, "", nil
}

// MayBeObjectSet tells from the files' names alone, without a request, whether spec's files
// (names, as Files resolves them) may be an ObjectSet: S3 objects of one bucket, in DynamoDB
// JSON. AsObjectSet has the last word: it also reads the start of each object and lists their
// prefix for other objects.
func MayBeObjectSet(spec Spec, names []string) bool {
	bucket := ""
	for i, n := range names {
		rest, ok := strings.CutPrefix(n, S3Scheme)
		if !ok {
			return false
		}
		b, _, _ := strings.Cut(rest, "/")
		if i > 0 && b != bucket {
			return false
		}
		bucket = b
		f := spec.Format
		if f == "" {
			f, _ = inferFormat(n)
		}
		if f != FormatDynamoDBJSON {
			return false
		}
	}
	return len(names) > 0
}

// headOf tells whether f is gzip-compressed and whether its text starts as records one per
// line do (the first byte that is not white space opens an object, not an array).
func headOf(f dataFile) (gz, lines bool, err error) {
	r, err := f.open(0, 64<<10)
	if err != nil {
		return false, false, err
	}
	defer r.Close()
	br := bufio.NewReader(r)
	var text io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return true, false, nil // not gzip after all: validation has said so already
		}
		gz, text = true, zr
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(text, head) // a short read is the start of a small object, or of the limit's cut
	trimmed := strings.TrimLeft(string(head[:n]), " \t\r\n")
	return gz, strings.HasPrefix(trimmed, "{"), nil
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}
