package bulkput

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Store is the S3 access of a bulk put: staging uploads, the marker of a finished staging,
// the error report and the clean-up.
type Store interface {
	Uploader
	// Exists tells whether bucket/key exists.
	Exists(ctx context.Context, bucket, key string) (bool, error)
	// Keys lists the keys under prefix, in key order.
	Keys(ctx context.Context, bucket, prefix string) ([]string, error)
	Get(ctx context.Context, bucket, key string) (io.ReadCloser, error)
	// Delete removes the objects; missing ones are no error.
	Delete(ctx context.Context, bucket string, keys []string) error
}

// S3Store is a Store over an S3 client.
type S3Store struct {
	*S3Uploader
	c *s3.Client
}

// NewS3Store returns a Store over client.
func NewS3Store(client *s3.Client) *S3Store {
	return &S3Store{S3Uploader: NewS3Uploader(client), c: client}
}

// Exists is Store's: HeadObject.
func (s *S3Store) Exists(ctx context.Context, bucket, key string) (bool, error) {
	_, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// Keys is Store's: every page of ListObjectsV2.
func (s *S3Store) Keys(ctx context.Context, bucket, prefix string) ([]string, error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(s.c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// Get is Store's: GetObject.
func (s *S3Store) Get(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("reading s3://%s/%s: %w", bucket, key, err)
	}
	return out.Body, nil
}

// Delete removes keys a thousand at a time (DeleteObjects' limit).
func (s *S3Store) Delete(ctx context.Context, bucket string, keys []string) error {
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		objs := make([]s3types.ObjectIdentifier, n)
		for i, k := range keys[:n] {
			objs[i] = s3types.ObjectIdentifier{Key: aws.String(k)}
		}
		out, err := s.c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{Objects: objs, Quiet: aws.Bool(true)}})
		if err != nil {
			return fmt.Errorf("deleting staged objects in %s: %w", bucket, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("deleting s3://%s/%s: %s", bucket, aws.ToString(e.Key), aws.ToString(e.Message))
		}
		keys = keys[n:]
	}
	return nil
}
