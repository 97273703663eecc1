package loader

import (
	"context"
	"errors"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// ValidatedUnkeyed is what ValidateUnkeyed learns about a dataset without the table's key
// schema.
type ValidatedUnkeyed struct {
	Records int64 // valid records read; duplicates cannot be told without the key schema
	Files   []string
}

// ValidateUnkeyed validates everything about the dataset that needs no key schema, for a plan
// made before the table exists: every record is read and converted (syntax, numbers, sets,
// binaries, encodings), the key templates are rendered (every attribute they use is there,
// with a usable type) and every item is held to DynamoDB's size limit. The table's keys,
// index keys and duplicate keys need the schema: Validate covers those. Errors are those of
// Validate: an *InvalidRecordsError for the data, a *ConfigError or source error for the
// options.
func ValidateUnkeyed(ctx context.Context, o Options) (*ValidatedUnkeyed, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	stage, err := keys.NewUnkeyedStage(o.Keys)
	var ce *keys.ConfigError
	if errors.As(err, &ce) {
		return nil, &ConfigError{Option: ce.Option, Reason: ce.Reason}
	}
	if err != nil {
		return nil, err
	}
	files, err := source.Files(o.Source)
	if err != nil {
		return nil, err
	}
	v := &ValidatedUnkeyed{Files: files}
	invalid := &invalidRecords{}
	r, err := openReadAhead(o.Source, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	_, err = scan(ctx, r, o.Source, stage, nil, invalid.add, func(_, _ uint64, _ *record.Record, _ keys.Key, _ int) error {
		v.Records++
		return nil
	})
	if err := invalid.result(err); err != nil {
		return nil, err
	}
	return v, nil
}
