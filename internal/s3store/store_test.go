package s3store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
)

// startS3 starts versitygw and returns a client of it with a bucket "seed".
func startS3(t *testing.T) *s3.Client {
	t.Helper()
	srv, err := s3server.Start(context.Background(), s3server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	client := s3.New(s3.Options{
		Region:       s3server.Region,
		BaseEndpoint: aws.String(srv.Endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(s3server.AccessKeyID, s3server.SecretAccessKey, ""),
	})
	if _, err := client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("seed")}); err != nil {
		t.Fatal(err)
	}
	return client
}

func put(t *testing.T, c *s3.Client, key, body string) {
	t.Helper()
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("seed"), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		t.Fatal(err)
	}
}

func jsonLines(prefix string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"pk":"%s%03d","sk":%d}`+"\n", prefix, i/10, i)
	}
	return b.String()
}

// TestStoreAgainstS3 reads a dataset from a real S3-compatible server: patterns expand by
// listing, records read as from files, stripes read objects by ranges (gzip through a spool),
// the fingerprint comes from ETags without reading, and a replaced or deleted object is a
// change (ErrChanged), never other records.
func TestStoreAgainstS3(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	c := startS3(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(jsonLines("b", 3000)))
	_ = zw.Close()
	put(t, c, "data/a.jsonl", jsonLines("a", 2000))
	put(t, c, "data/b.jsonl.gz", gz.String())
	put(t, c, "data/notes.txt", "not data")
	for i := range 1100 { // more than one page of ListObjectsV2
		put(t, c, fmt.Sprintf("many/%04d.jsonl", i), fmt.Sprintf(`{"pk":"m%d"}`+"\n", i))
	}
	store := New(context.Background(), c)

	objs, err := store.List("seed", "many/")
	if err != nil || len(objs) != 1100 || objs[0].Key != "many/0000.jsonl" || objs[1099].Key != "many/1099.jsonl" {
		t.Fatalf("List: %d objects, %v", len(objs), err)
	}
	if _, err := store.Stat("seed", "data/none.jsonl"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Stat of a missing object: %v", err)
	}
	spec := source.Spec{Patterns: []string{"s3://seed/data/*.jsonl*"}, Objects: store}
	names, err := source.Files(spec)
	if err != nil || strings.Join(names, " ") != "s3://seed/data/a.jsonl s3://seed/data/b.jsonl.gz" {
		t.Fatalf("Files = %v, %v", names, err)
	}
	plain, fp := readAll(t, spec)
	if len(plain) != 5000 || plain[0].Pos.String() != "s3://seed/data/a.jsonl:1" || plain[4999].Pos.String() != "s3://seed/data/b.jsonl.gz:3000" {
		t.Fatalf("read %d records, first at %s", len(plain), plain[0].Pos)
	}
	if again, err := source.Fingerprint(spec); err != nil || again != fp {
		t.Fatalf("Fingerprint: %v (equal: %v)", err, again == fp)
	}

	// Striped: every record once, read by ranges.
	rec, err := source.OpenRecording(spec, source.Layout{Max: 32, MinBytes: 1})
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := rec.Next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	stripes := rec.Stripes()
	_ = rec.Close()
	if len(stripes.List) != 32 {
		t.Fatalf("%d stripes, want 32", len(stripes.List))
	}
	r, err := source.OpenStripes(context.Background(), spec, stripes, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if seen[rec.Seq] || plain[rec.Seq].Pos != rec.Pos {
			t.Fatalf("striped record %d at %s: repeated or misplaced", rec.Seq, rec.Pos)
		}
		seen[rec.Seq] = true
	}
	if len(seen) != 5000 || r.Fingerprint() != stripes.Sum() {
		t.Fatalf("striped reading: %d records", len(seen))
	}
	_ = r.Close()

	// Replaced, then deleted, after the listing: the reading stops with ErrChanged.
	r, err = source.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	put(t, c, "data/a.jsonl", jsonLines("x", 2000))
	if _, err := r.Next(); !errors.Is(err, source.ErrChanged) {
		t.Fatalf("reading a replaced object: %v, want ErrChanged", err)
	}
	_ = r.Close()
	if changed, err := source.Fingerprint(spec); err != nil || changed == fp {
		t.Fatalf("the fingerprint after a replacement: %v (equal: %v)", err, changed == fp)
	}
	r, err = source.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String("seed"), Key: aws.String("data/a.jsonl")}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, source.ErrChanged) {
		t.Fatalf("reading a deleted object: %v, want ErrChanged", err)
	}
	_ = r.Close()
}

func readAll(t *testing.T, spec source.Spec) ([]recordPos, [32]byte) {
	t.Helper()
	r, err := source.Open(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []recordPos
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, r.Fingerprint()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, recordPos{Pos: rec.Pos})
	}
}

type recordPos struct{ Pos record.Position }
