package keys

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// Options are the key settings of a load.
type Options struct {
	// PartitionKey is a template for the partition key, e.g. "{tenant}#{shard}" or
	// "{date}:{user_id}"; "" means the item already holds the key attribute.
	PartitionKey string
	// SortKey is a template for the sort key; "" means as in the item (or none).
	SortKey string
	// ShardAttribute is the attribute whose value feeds {shard}.
	ShardAttribute string
	// ShardCount is the number of shards; {shard} needs ShardCount >= 2 and ShardAttribute.
	ShardCount int
}

// Stage is the key stage for one table and one set of options. It holds no mutable state, so
// one Stage may serve many goroutines.
//
// Templates: "{name}" is replaced by the item's attribute name (a string as is, a number as
// its canonical text), "{shard}" by Shard of the ShardAttribute's value, "{{" and "}}" are
// literal braces, everything else is literal text. Both templates are rendered from the item
// as read, before either key is written, so "{pk}#{shard}" may rewrite pk itself (which also
// means Apply is not idempotent for such a template).
type Stage struct {
	schema     Schema
	index      []indexCheck
	pk, sk     *template // nil: the item holds the key already
	shardAttr  string
	shardCount int
	unkeyed    bool // NewUnkeyedStage: no key schema, templates only
}

// NewStage checks the options against the schema. Its errors are *ConfigError.
func NewStage(s Schema, o Options) (*Stage, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	st := &Stage{schema: s, index: indexChecks(s), shardAttr: o.ShardAttribute, shardCount: o.ShardCount}
	var err error
	if o.PartitionKey != "" {
		if st.pk, err = keyTemplate("PartitionKey", "partition key", o.PartitionKey, s.PartitionKey); err != nil {
			return nil, err
		}
	}
	if o.SortKey != "" {
		if s.SortKey == nil {
			return nil, &ConfigError{Option: "SortKey", Reason: fmt.Sprintf(
				"a sort key template (%q) is set, but the table has no sort key; remove the template or load into a table with one", o.SortKey)}
		}
		if st.sk, err = keyTemplate("SortKey", "sort key", o.SortKey, *s.SortKey); err != nil {
			return nil, err
		}
	}
	if err := checkShard(st.pk.usesShard() || st.sk.usesShard(), o); err != nil {
		return nil, err
	}
	return st, nil
}

func keyTemplate(option, role, text string, a Attr) (*template, error) {
	t, err := parseTemplate(text)
	if err != nil {
		return nil, &ConfigError{Option: option, Reason: role + " template: " + err.Error()}
	}
	if a.Type != "S" {
		return nil, &ConfigError{Option: option, Reason: fmt.Sprintf(
			"a %s template (%q) builds a string, but the table's %s %s is %s; templates only work for string (S) keys",
			role, text, role, a.Name, typeName(a.Type))}
	}
	return t, nil
}

func checkShard(used bool, o Options) error {
	if used {
		switch {
		case o.ShardAttribute == "":
			return &ConfigError{Option: "ShardAttribute", Reason: "{shard} in a key template needs a shard attribute: the attribute whose value picks the shard"}
		case o.ShardCount < 2:
			return &ConfigError{Option: "ShardCount", Reason: fmt.Sprintf("{shard} in a key template needs a shard count of at least 2, got %d", o.ShardCount)}
		case o.ShardCount > MaxShardCount:
			return &ConfigError{Option: "ShardCount", Reason: fmt.Sprintf(
				"shard count %d is above the maximum of %d; every read of a sharded key fans out over all shards", o.ShardCount, MaxShardCount)}
		}
		return nil
	}
	switch {
	case o.ShardAttribute != "":
		return &ConfigError{Option: "ShardAttribute", Reason: fmt.Sprintf(
			"shard attribute %q is set but no key template uses {shard}; add {shard} to a key template or remove the shard settings", o.ShardAttribute)}
	case o.ShardCount != 0:
		return &ConfigError{Option: "ShardCount", Reason: fmt.Sprintf(
			"shard count %d is set but no key template uses {shard}; add {shard} to a key template or remove the shard settings", o.ShardCount)}
	}
	return nil
}

// Schema is the table's key schema the stage checks against.
func (s *Stage) Schema() Schema { return s.schema }

// Apply writes the templated key attributes into r.Item, keeping every other attribute, then
// checks the key attributes against the schema: the table's keys, and the index keys the item
// carries. Its errors are *record.InputError naming r.Pos and the attribute at fault; those
// about an index key are wrapped in an *IndexKeyError that names the index.
func (s *Stage) Apply(r *record.Record) error {
	if r.Item == nil {
		r.Item = record.Item{}
	}
	if s.unkeyed {
		return s.applyUnkeyed(r)
	}
	if s.pk != nil || s.sk != nil {
		// Render both before writing either: a template may read the attribute it replaces.
		shard := 0
		var pk, sk string
		var err error
		if s.pk != nil {
			if pk, err = s.render(s.pk, "partition key", r, &shard); err != nil {
				return err
			}
		}
		if s.sk != nil {
			if sk, err = s.render(s.sk, "sort key", r, &shard); err != nil {
				return err
			}
		}
		if s.pk != nil {
			r.Item[s.schema.PartitionKey.Name] = &types.AttributeValueMemberS{Value: pk}
		}
		if s.sk != nil {
			r.Item[s.schema.SortKey.Name] = &types.AttributeValueMemberS{Value: sk}
		}
	}
	if err := checkKey(r, "partition key", s.schema.PartitionKey, ddbitem.MaxPartitionKeyBytes); err != nil {
		return err
	}
	if s.schema.SortKey != nil {
		if err := checkKey(r, "sort key", *s.schema.SortKey, ddbitem.MaxSortKeyBytes); err != nil {
			return err
		}
	}
	return s.checkIndexKeys(r)
}

// render fills in t from r.Item. shard caches the suffix (0 = not computed yet) so both
// templates share one computation.
func (s *Stage) render(t *template, role string, r *record.Record, shard *int) (string, error) {
	var b strings.Builder
	for _, p := range t.parts {
		switch {
		case p.shard:
			if *shard == 0 {
				n, err := s.shardOf(r)
				if err != nil {
					return "", err
				}
				*shard = n
			}
			b.WriteString(strconv.Itoa(*shard))
		case p.attr != "":
			v, ok := r.Item[p.attr]
			switch v := v.(type) {
			case *types.AttributeValueMemberS:
				b.WriteString(v.Value)
			case *types.AttributeValueMemberN:
				c, err := ddbitem.CanonicalNumber(v.Value)
				if err != nil {
					return "", &record.InputError{Pos: r.Pos, Attribute: p.attr, Reason: fmt.Sprintf(
						"attribute %q used by the %s template %q is not a valid number", p.attr, role, t.text), Err: err}
				}
				b.WriteString(c)
			default:
				if !ok || v == nil {
					return "", &record.InputError{Pos: r.Pos, Attribute: p.attr, Reason: fmt.Sprintf(
						"the %s template %q uses {%s}, but the item has no attribute %q", role, t.text, p.attr, p.attr)}
				}
				return "", &record.InputError{Pos: r.Pos, Attribute: p.attr, Reason: fmt.Sprintf(
					"the %s template %q uses {%s}, which must be a string (S) or number (N) but is %s", role, t.text, p.attr, typeName(typeOf(v)))}
			}
		default:
			b.WriteString(p.literal)
		}
	}
	return b.String(), nil
}

func (s *Stage) shardOf(r *record.Record) (int, error) {
	v, ok := r.Item[s.shardAttr]
	if !ok || v == nil {
		return 0, &record.InputError{Pos: r.Pos, Attribute: s.shardAttr, Reason: fmt.Sprintf(
			"shard attribute %q is missing; {shard} is calculated from it", s.shardAttr)}
	}
	switch t := typeOf(v); t {
	case "S", "N", "B":
	default:
		return 0, &record.InputError{Pos: r.Pos, Attribute: s.shardAttr, Reason: fmt.Sprintf(
			"shard attribute %q must be a string (S), number (N) or binary (B) but is %s", s.shardAttr, typeName(t))}
	}
	n, err := ShardOf(v, s.shardCount)
	if err != nil {
		// Only an invalid number gets here: the type and the count are checked already.
		return 0, &record.InputError{Pos: r.Pos, Attribute: s.shardAttr, Reason: fmt.Sprintf(
			"shard attribute %q is not a valid number", s.shardAttr), Err: err}
	}
	return n, nil
}

// checkKey checks one key attribute of the table: present, of the schema's type, non-empty,
// within DynamoDB's length limit. Any of these would make DynamoDB reject the whole batch.
func checkKey(r *record.Record, role string, a Attr, maxBytes int) error {
	v, ok := r.Item[a.Name]
	if !ok || v == nil {
		return &record.InputError{Pos: r.Pos, Attribute: a.Name, Reason: fmt.Sprintf("%s %q is missing; the table's %s is %s", role, a.Name, role, a)}
	}
	if problem, err := keyProblem(v, a, maxBytes); problem != "" {
		return &record.InputError{Pos: r.Pos, Attribute: a.Name, Reason: fmt.Sprintf("%s %q %s", role, a.Name, problem), Err: err}
	}
	return nil
}

// indexCheck is the check of one index key attribute an item may carry.
type indexCheck struct {
	key      IndexKey
	maxBytes int
}

// indexChecks are the checks Apply makes on index key attributes: one per attribute, under
// the strictest limit among the index keys it is part of (a sort key's, if it is one), or
// none when the table's own key check already covers it.
func indexChecks(s Schema) []indexCheck {
	var checks []indexCheck
	done := map[string]bool{}
	for i, k := range s.IndexKeys {
		name := k.Attr.Name
		if done[name] {
			continue
		}
		done[name] = true
		for _, o := range s.IndexKeys[i:] {
			if o.Attr.Name == name && o.Sort {
				k = o
				break
			}
		}
		switch {
		case s.SortKey != nil && name == s.SortKey.Name:
			continue // the table's sort key: checked as such, under the smaller limit already
		case name == s.PartitionKey.Name && !k.Sort:
			continue // the table's partition key and only ever an index's partition key
		}
		// Another attribute, or the table's partition key serving as an index's sort key,
		// which must fit the sort key's limit too.
		limit := ddbitem.MaxPartitionKeyBytes
		if k.Sort {
			limit = ddbitem.MaxSortKeyBytes
		}
		checks = append(checks, indexCheck{key: k, maxBytes: limit})
	}
	return checks
}

// checkIndexKeys checks the index key attributes r.Item carries, as checkKey checks the
// table's. Its errors are *IndexKeyError.
func (s *Stage) checkIndexKeys(r *record.Record) error {
	for _, c := range s.index {
		v, ok := r.Item[c.key.Attr.Name]
		if !ok || v == nil {
			continue // not in this index: fine
		}
		problem, err := keyProblem(v, c.key.Attr, c.maxBytes)
		if problem == "" {
			continue
		}
		if problem == emptyKey {
			problem += " (an item without the attribute is simply not in the index)"
		}
		return &IndexKeyError{Key: c.key, Input: &record.InputError{Pos: r.Pos, Attribute: c.key.Attr.Name,
			Reason: fmt.Sprintf("%s %q %s", c.key.role(), c.key.Attr.Name, problem), Err: err}}
	}
	return nil
}

const emptyKey = "is empty; DynamoDB key values must not be empty"

// keyProblem says what DynamoDB would reject in v as a value of the key attribute a, whose
// values may be at most maxBytes long, as the rest of a sentence about the attribute: "" when
// nothing. err is the underlying cause, if any.
func keyProblem(v types.AttributeValue, a Attr, maxBytes int) (string, error) {
	if t := typeOf(v); t != a.Type {
		return fmt.Sprintf("must be %s but is %s", typeName(a.Type), typeName(t)), nil
	}
	n := 0
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		if !utf8.ValidString(v.Value) {
			return "is not valid UTF-8; DynamoDB strings must be UTF-8", nil
		}
		n = len(v.Value)
	case *types.AttributeValueMemberB:
		n = len(v.Value)
	case *types.AttributeValueMemberN:
		if _, err := ddbitem.CanonicalNumber(v.Value); err != nil {
			return "is not a valid number", err
		}
		return "", nil // at most 38 digits: always far below the limit
	}
	switch {
	case n == 0:
		return emptyKey, nil
	case n > maxBytes:
		return fmt.Sprintf("is %d bytes; DynamoDB allows at most %d", n, maxBytes), nil
	}
	return "", nil
}
