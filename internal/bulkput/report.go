package bulkput

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// Failure is an input record the operation could not write, as its error report gives it.
type Failure struct {
	Code, Message string
	// Object and Line locate the record in the staged input, when the report says.
	Object string
	Line   int
	// Item is the record's item, when the report carries it.
	Item map[string]types.AttributeValue
	// Source is where the dataset holds the record (file:line), when the caller could trace
	// it; the report knows only the staged input.
	Source string
}

// ReadFailures reads up to max failures from the error report under bucket/prefix (the
// operation's OutputS3Configuration), and how many records the report holds in all.
func ReadFailures(ctx context.Context, st Store, bucket, prefix string, maxFailures int) ([]Failure, int, error) {
	keys, err := st.Keys(ctx, bucket, prefix)
	if err != nil {
		return nil, 0, err
	}
	var out []Failure
	total := 0
	for _, key := range keys {
		if !strings.Contains(key, "/errors/") {
			continue
		}
		body, err := st.Get(ctx, bucket, key)
		if err != nil {
			return out, total, err
		}
		sc := bufio.NewScanner(body)
		sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		for sc.Scan() {
			if strings.TrimSpace(sc.Text()) == "" {
				continue
			}
			total++
			if len(out) >= maxFailures {
				continue
			}
			f, err := parseFailure(sc.Bytes())
			if err != nil {
				_ = body.Close()
				return out, total, fmt.Errorf("reading the error report s3://%s/%s: %w", bucket, key, err)
			}
			out = append(out, f)
		}
		err = sc.Err()
		_ = body.Close()
		if err != nil {
			return out, total, fmt.Errorf("reading the error report s3://%s/%s: %w", bucket, key, err)
		}
	}
	return out, total, nil
}

func parseFailure(line []byte) (Failure, error) {
	var rec struct {
		ErrorCode    string
		ErrorMessage string
		SourceObject string
		SourceLine   int
		Item         json.RawMessage
	}
	if err := json.Unmarshal(line, &rec); err != nil {
		return Failure{}, err
	}
	f := Failure{Code: rec.ErrorCode, Message: rec.ErrorMessage, Object: rec.SourceObject, Line: rec.SourceLine}
	if len(rec.Item) > 0 {
		item, err := source.DecodeItem(rec.Item)
		if err != nil {
			return Failure{}, fmt.Errorf("the item of a failure: %w", err)
		}
		f.Item = item
	}
	return f, nil
}
