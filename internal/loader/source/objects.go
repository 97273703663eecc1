package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// S3Scheme starts a pattern that names objects of an S3 bucket: s3://bucket/key, where the key
// may hold the same wildcards as a file pattern.
const S3Scheme = "s3://"

// ObjectStore reads the objects s3:// patterns name (Spec.Objects). The provider gives one made
// with its AWS configuration; tests give one that serves a map.
type ObjectStore interface {
	// List returns the objects of bucket whose keys start with prefix, in key order.
	List(bucket, prefix string) ([]Object, error)
	// Stat returns the object bucket/key, or an error wrapping fs.ErrNotExist.
	Stat(bucket, key string) (Object, error)
	// Read returns n bytes of the object from offset on (n < 0: to its end). A store that can
	// tell fails with an error wrapping ErrChanged when the object is no longer the one o
	// describes (another ETag).
	Read(o Object, offset, n int64) (io.ReadCloser, error)
}

// Object is an object of a store, as listed.
type Object struct {
	Bucket, Key string
	Size        int64
	// ETag identifies the object's content: a fingerprint of an object is its name, size and
	// ETag, so that learning whether it changed needs no reading of it.
	ETag string
}

// Name is how positions and messages name the object: s3://bucket/key.
func (o Object) Name() string { return S3Scheme + o.Bucket + "/" + o.Key }

// IsObjectPattern tells whether a pattern names objects of a store rather than files.
func IsObjectPattern(p string) bool { return strings.HasPrefix(p, S3Scheme) }

// splitObjectPattern returns the bucket and key (pattern) of an s3:// pattern.
func splitObjectPattern(p string) (bucket, key string, err error) {
	rest := strings.TrimPrefix(p, S3Scheme)
	bucket, key, ok := strings.Cut(rest, "/")
	switch {
	case !ok || bucket == "":
		return "", "", errors.New("is not of the form s3://bucket/key")
	case hasMeta(bucket):
		return "", "", errors.New("has wildcards in its bucket name; only the key may have them")
	case key == "" || strings.HasSuffix(key, "/"):
		return "", "", fmt.Errorf("names no object; to read the objects under a prefix, use a pattern such as %s*.jsonl", strings.TrimSuffix(p, "/")+"/")
	}
	return bucket, key, nil // compile checked the pattern's syntax
}

// expandObjects returns the objects an s3:// pattern stands for, in key order.
func expandObjects(spec *Spec, pattern string) ([]Object, error) {
	bucket, key, err := splitObjectPattern(pattern)
	if err != nil {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: err.Error()}
	}
	if spec.Objects == nil {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "names S3 objects, but no S3 client is configured to read them"}
	}
	if !hasMeta(key) {
		o, err := spec.Objects.Stat(bucket, key)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "no such object"}
		case err != nil:
			return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "cannot read the object", Err: err}
		}
		return []Object{o}, nil
	}
	prefix := key[:strings.IndexAny(key, `*?[\`)]
	listed, err := spec.Objects.List(bucket, prefix)
	if err != nil {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "cannot list the objects", Err: err}
	}
	var out []Object
	for _, o := range listed {
		if ok, _ := path.Match(key, o.Key); ok && !strings.HasSuffix(o.Key, "/") { // compile checked the syntax
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: fmt.Sprintf("matches no objects (%d listed under %q)", len(listed), prefix)}
	}
	return out, nil
}
