package provider

import (
	"context"
	"io"
	"slices"
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/awsclient"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/s3store"
)

// withObjects lets o read the s3:// files it names, through the provider's AWS configuration
// under ctx (the operation's). The S3 client is built only when the reading first needs it, so
// a dataset of local files never resolves S3 settings.
func (d *providerData) withObjects(ctx context.Context, o *source.Spec) {
	if d == nil || !slices.ContainsFunc(o.Patterns, source.IsObjectPattern) {
		return
	}
	o.Objects = &lazyObjects{ctx: ctx, aws: d.aws}
}

// lazyObjects is an s3store.Store made on first use.
type lazyObjects struct {
	ctx   context.Context
	aws   *awsclient.Lazy
	once  sync.Once
	store *s3store.Store
	err   error
}

func (l *lazyObjects) get() (*s3store.Store, error) {
	l.once.Do(func() {
		client, err := l.aws.S3(l.ctx)
		if err != nil {
			l.err = err
			return
		}
		l.store = s3store.New(l.ctx, client)
	})
	return l.store, l.err
}

func (l *lazyObjects) List(bucket, prefix string) ([]source.Object, error) {
	s, err := l.get()
	if err != nil {
		return nil, err
	}
	return s.List(bucket, prefix)
}

func (l *lazyObjects) Stat(bucket, key string) (source.Object, error) {
	s, err := l.get()
	if err != nil {
		return source.Object{}, err
	}
	return s.Stat(bucket, key)
}

func (l *lazyObjects) Read(o source.Object, offset, n int64) (io.ReadCloser, error) {
	s, err := l.get()
	if err != nil {
		return nil, err
	}
	return s.Read(o, offset, n)
}
