package bulkput

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Uploader stores one object from a stream.
type Uploader interface {
	Upload(ctx context.Context, bucket, key string, body io.Reader) error
}

// DefaultPartBytes is the text a staged part holds before the next starts: the service reads
// its input objects in parallel, so a large dataset is better many similar parts than one.
const DefaultPartBytes = 256 << 20

// Stager is a write.API that stages the items a load writes, instead of writing them to the
// table: each put becomes a line of bulk put input in gzip parts under Prefix
// (part-00001.json.gz, ...), streamed to S3 as they fill. A failure (an item that does not
// encode, an upload refused) fails that call and every later one: the staging is then
// unusable. Close ends the last part.
type Stager struct {
	ctx    context.Context
	up     Uploader
	bucket string
	prefix string // ends with "/"
	size   int64  // PartBytes

	mu    sync.Mutex
	part  *stagePart
	keys  []string
	items int64
	line  []byte
	err   error // sticky
}

var _ write.API = (*Stager)(nil)

type stagePart struct {
	pw   *io.PipeWriter
	zw   *gzip.Writer
	text int64
	done chan error
}

// NewStager returns a Stager writing parts of about partBytes of text (DefaultPartBytes if
// < 1) under bucket/prefix with up; uploads run under ctx.
func NewStager(ctx context.Context, up Uploader, bucket, prefix string, partBytes int64) *Stager {
	if partBytes < 1 {
		partBytes = DefaultPartBytes
	}
	if prefix != "" && prefix[len(prefix)-1] != '/' {
		prefix += "/"
	}
	return &Stager{ctx: ctx, up: up, bucket: bucket, prefix: prefix, size: partBytes}
}

// BatchWriteItem stages the puts of in. A delete is an error: bulk put only puts.
func (s *Stager) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			if r.PutRequest == nil {
				return nil, errors.New("bulkput: staging takes puts only")
			}
			if err := s.put(r.PutRequest.Item); err != nil {
				s.err = err
				return nil, err
			}
		}
	}
	return &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}, nil
}

func (s *Stager) put(item map[string]types.AttributeValue) error {
	line, err := appendRecord(s.line[:0], item)
	if err != nil {
		return err
	}
	s.line = line
	if s.part == nil {
		s.startPart()
	}
	if _, err := s.part.zw.Write(line); err != nil {
		return s.endPart(err)
	}
	s.part.text += int64(len(line))
	s.items++
	if s.part.text >= s.size {
		return s.endPart(nil)
	}
	return nil
}

func (s *Stager) startPart() {
	key := fmt.Sprintf("%spart-%05d.json.gz", s.prefix, len(s.keys)+1)
	s.keys = append(s.keys, key)
	pr, pw := io.Pipe()
	p := &stagePart{pw: pw, zw: gzip.NewWriter(pw), done: make(chan error, 1)}
	go func() {
		err := s.up.Upload(s.ctx, s.bucket, key, pr)
		_ = pr.CloseWithError(err) // a writer still writing learns of the failure
		p.done <- err
	}()
	s.part = p
}

// endPart finishes the current part and waits for its upload; werr is a write's failure.
func (s *Stager) endPart(werr error) error {
	p := s.part
	s.part = nil
	err := werr
	if err == nil {
		err = p.zw.Close()
	}
	_ = p.pw.CloseWithError(err)
	if up := <-p.done; up != nil {
		err = fmt.Errorf("staging s3://%s/%s: %w", s.bucket, s.keys[len(s.keys)-1], up)
	}
	return err
}

// Staged is what a Stager staged.
type Staged struct {
	Bucket, Prefix string
	Keys           []string // the parts, in order
	Items          int64
}

// Close ends the last part and returns what was staged.
func (s *Stager) Close() (Staged, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.part != nil && s.err == nil {
		s.err = s.endPart(nil)
	}
	if s.part != nil { // a failed write left it open
		_ = s.part.pw.CloseWithError(s.err)
		<-s.part.done //nolint:errcheck // the write's failure is the one to report
		s.part = nil
	}
	return Staged{Bucket: s.bucket, Prefix: s.prefix, Keys: s.keys, Items: s.items}, s.err
}
