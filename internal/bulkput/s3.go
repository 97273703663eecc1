package bulkput

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
)

// S3Uploader is an Uploader over S3's transfer manager: multipart uploads of 8 MiB parts, two
// at a time, so that a part of any size streams in bounded memory (about 24 MiB).
type S3Uploader struct{ tm *transfermanager.Client }

// NewS3Uploader returns an Uploader over client.
func NewS3Uploader(client transfermanager.S3APIClient) *S3Uploader {
	return &S3Uploader{tm: transfermanager.New(client, func(o *transfermanager.Options) {
		o.PartSizeBytes = 8 << 20
		o.Concurrency = 2
	})}
}

// Upload stores body as bucket/key.
func (u *S3Uploader) Upload(ctx context.Context, bucket, key string, body io.Reader) error {
	_, err := u.tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: body})
	return err
}
