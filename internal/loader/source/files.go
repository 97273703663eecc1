package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// inlineName is the File of positions in inline items.
const inlineName = "items"

// dataFile is one resolved input: the name positions use, where to read it, and its format.
type dataFile struct {
	name   string // as the user gave it or the glob produced it, relative to BaseDir
	path   string // for os.Open
	format Format
	inline bool
	obj    *Object     // an object of store rather than a file
	store  ObjectStore // obj's
}

// open returns n of the file's stored bytes from offset on (n < 0: to its end). Not for inline
// items.
func (f dataFile) open(offset, n int64) (io.ReadCloser, error) {
	if f.obj != nil {
		return f.store.Read(*f.obj, offset, n)
	}
	file, err := os.Open(f.path)
	if err != nil {
		return nil, err
	}
	if offset > 0 {
		if _, err := file.Seek(offset, io.SeekStart); err != nil {
			_ = file.Close()
			return nil, err
		}
	}
	if n < 0 {
		return file, nil
	}
	return limitedFile{io.LimitReader(file, n), file}, nil
}

type limitedFile struct {
	io.Reader
	io.Closer
}

// storedSize is the file's stored size, or -1 if it cannot be told (the reading reports why).
func (f dataFile) storedSize() int64 {
	if f.obj != nil {
		return f.obj.Size
	}
	st, err := os.Stat(f.path)
	if err != nil {
		return -1
	}
	return st.Size()
}

// readAt reads len(b) bytes of the file at offset; false if it cannot.
func (f dataFile) readAt(b []byte, offset int64) bool {
	r, err := f.open(offset, int64(len(b)))
	if err != nil {
		return false
	}
	defer r.Close()
	_, err = io.ReadFull(r, b)
	return err == nil
}

// Files returns the dataset's files in reading order: patterns expanded, de-duplicated and
// sorted. Names are relative to BaseDir as the patterns were (Path turns one into a file
// system path); they are the File of every Position. Inline specs have no files.
func Files(spec Spec) ([]string, error) {
	if _, err := compile(&spec); err != nil {
		return nil, err
	}
	files, err := resolve(&spec)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		if !f.inline {
			names = append(names, f.name)
		}
	}
	return names, nil
}

// Path returns the file system path of a name returned by Files (an object's name as it is).
func (s Spec) Path(name string) string {
	if filepath.IsAbs(name) || s.BaseDir == "" || IsObjectPattern(name) {
		return name
	}
	return filepath.Join(s.BaseDir, name)
}

func resolve(spec *Spec) ([]dataFile, error) {
	if spec.Inline != "" {
		format := spec.Format
		if format == "" {
			format = FormatJSON
		}
		return []dataFile{{name: inlineName, format: format, inline: true}}, nil
	}
	seen := make(map[string]bool)
	var files []dataFile
	for _, pattern := range spec.Patterns {
		if IsObjectPattern(pattern) {
			objs, err := expandObjects(spec, pattern)
			if err != nil {
				return nil, err
			}
			for i := range objs {
				if name := objs[i].Name(); !seen[name] {
					seen[name] = true
					files = append(files, dataFile{name: name, path: name, obj: &objs[i], store: spec.Objects})
				}
			}
			continue
		}
		names, err := expand(spec, pattern)
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			path := spec.Path(name)
			key := path
			if abs, err := filepath.Abs(path); err == nil {
				key = abs
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			files = append(files, dataFile{name: name, path: path})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	for i := range files {
		format := spec.Format
		if format == "" {
			var ok bool
			if format, ok = inferFormat(files[i].name); !ok {
				return nil, &SpecError{Field: "Format", Key: files[i].name, Reason: "cannot tell the file's format from its extension; set format to json, jsonl, csv or dynamodb_json (or rename the file to .json, .jsonl, .ndjson, .csv, .ddb.json or .ddb.jsonl)"}
			}
		}
		files[i].format = format
	}
	return files, nil
}

// expand returns the names of the regular files a pattern stands for.
func expand(spec *Spec, pattern string) ([]string, error) {
	full := spec.Path(pattern)
	if !hasMeta(pattern) {
		info, err := os.Stat(full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "no such file" + inDir(spec)}
		case err != nil:
			return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "cannot read the file", Err: err}
		case info.IsDir():
			return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "is a directory; use a pattern such as " + filepath.Join(pattern, "*.json") + " to read the files in it"}
		}
		return []string{filepath.Clean(pattern)}, nil
	}
	matches, err := filepath.Glob(full)
	if err != nil {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "is not a valid glob pattern", Err: err}
	}
	var names []string
	for _, m := range matches {
		if info, err := os.Stat(m); err != nil || info.IsDir() {
			continue // directories and dangling links are not data
		}
		names = append(names, displayName(spec, pattern, m))
	}
	if len(names) == 0 {
		return nil, &SpecError{Field: "Patterns", Key: pattern, Reason: "matches no files" + inDir(spec)}
	}
	return names, nil
}

// displayName turns a glob match back into the form the pattern was written in.
func displayName(spec *Spec, pattern, match string) string {
	if filepath.IsAbs(pattern) || spec.BaseDir == "" {
		return match
	}
	if rel, err := filepath.Rel(filepath.Clean(spec.BaseDir), match); err == nil {
		return rel
	}
	return match
}

func inDir(spec *Spec) string {
	if spec.BaseDir == "" {
		return ""
	}
	return fmt.Sprintf(" (relative to %s)", spec.BaseDir)
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

// inferFormat maps a file name's extension, after any ".gz", to a format.
func inferFormat(name string) (Format, bool) {
	n := strings.ToLower(filepath.Base(name))
	n = strings.TrimSuffix(n, ".gz")
	switch {
	case strings.HasSuffix(n, ".ddb.json"), strings.HasSuffix(n, ".ddbjson"), strings.HasSuffix(n, ".ddb.jsonl"):
		return FormatDynamoDBJSON, true
	case strings.HasSuffix(n, ".json"):
		return FormatJSON, true
	case strings.HasSuffix(n, ".jsonl"), strings.HasSuffix(n, ".ndjson"):
		return FormatJSONLines, true
	case strings.HasSuffix(n, ".csv"):
		return FormatCSV, true
	}
	return "", false
}
