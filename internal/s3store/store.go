// Package s3store reads dataset files kept in S3 (or an S3-compatible server): it is the
// source.ObjectStore the provider gives the loader for s3://bucket/key patterns.
package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// API is the part of the S3 client the store calls.
type API interface {
	s3.ListObjectsV2APIClient
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, optFns ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store is a source.ObjectStore over an S3 client. Its calls run under the context it was
// made with: the operation's, so that a canceled apply stops its reads.
type Store struct {
	ctx    context.Context
	client API
}

var _ source.ObjectStore = (*Store)(nil)

// New returns a Store whose calls run under ctx.
func New(ctx context.Context, client API) *Store { return &Store{ctx: ctx, client: client} }

// List is source.ObjectStore's: every page of ListObjectsV2 under prefix.
func (s *Store) List(bucket, prefix string) ([]source.Object, error) {
	var out []source.Object
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(s.ctx)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			out = append(out, source.Object{Bucket: bucket, Key: aws.ToString(o.Key), Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag)})
		}
	}
	return out, nil
}

// Stat is source.ObjectStore's: HeadObject.
func (s *Store) Stat(bucket, key string) (source.Object, error) {
	out, err := s.client.HeadObject(s.ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if isStatus(err, http.StatusNotFound) {
		return source.Object{}, fmt.Errorf("s3://%s/%s: %w", bucket, key, fs.ErrNotExist)
	}
	if err != nil {
		return source.Object{}, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	return source.Object{Bucket: bucket, Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag)}, nil
}

// Read is source.ObjectStore's: a GetObject of the range, if the object still has o's ETag.
func (s *Store) Read(o source.Object, offset, n int64) (io.ReadCloser, error) {
	if n == 0 || offset >= o.Size {
		return io.NopCloser(eofReader{}), nil
	}
	rng := fmt.Sprintf("bytes=%d-", offset)
	if n > 0 {
		rng = fmt.Sprintf("bytes=%d-%d", offset, min(offset+n, o.Size)-1)
	}
	in := &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(o.Key), Range: aws.String(rng)}
	if o.ETag != "" {
		in.IfMatch = aws.String(o.ETag)
	}
	out, err := s.client.GetObject(s.ctx, in)
	switch {
	case isStatus(err, http.StatusPreconditionFailed):
		return nil, fmt.Errorf("%w: %s was replaced (its ETag is no longer %s)", source.ErrChanged, o.Name(), o.ETag)
	case isStatus(err, http.StatusNotFound):
		return nil, fmt.Errorf("%w: %s was deleted", source.ErrChanged, o.Name())
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", o.Name(), err)
	}
	return out.Body, nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// isStatus tells whether err is an S3 answer of HTTP status code.
func isStatus(err error, code int) bool {
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() == code {
		return true
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch code {
	case http.StatusNotFound:
		return api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey"
	case http.StatusPreconditionFailed:
		return api.ErrorCode() == "PreconditionFailed"
	}
	return false
}
