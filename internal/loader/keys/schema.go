package keys

import (
	"fmt"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// Attr is one key attribute: its name and scalar type ("S", "N" or "B").
type Attr struct {
	Name string
	Type string
}

// IndexKind tells a global secondary index from a local one.
type IndexKind string

// The kinds of secondary index.
const (
	GSI IndexKind = "GSI"
	LSI IndexKind = "LSI"
)

// IndexKey is one key attribute of a secondary index: the attribute, the index, and whether
// it is the index's sort key (else its partition key).
type IndexKey struct {
	Attr  Attr
	Index string
	Kind  IndexKind
	Sort  bool
}

// Schema is a table's primary key (a partition key and an optional sort key) and the key
// attributes of its secondary indexes. It is a plain value: SchemaFromTable fills it from a
// described table, and a declared key schema can fill it just as well.
type Schema struct {
	PartitionKey Attr
	SortKey      *Attr
	// IndexKeys are the key attributes of the secondary indexes, each index's partition key
	// then its sort key. An attribute may appear in several indexes and be a table key too.
	// Items need not carry them (an item without an index's keys is not in that index), but
	// one that does must give DynamoDB a valid key value. Only the table's keys take part in
	// Key, KeyItem and the content digest; templates and sharding never rewrite index keys.
	IndexKeys []IndexKey
}

// SchemaFromTable takes the primary key and the keys of every secondary index (LSIs, then
// GSIs) from a described table.
func SchemaFromTable(t *tableinfo.Table) Schema {
	s := Schema{PartitionKey: Attr{Name: t.PartitionKey.Name, Type: t.PartitionKey.Type}}
	if t.SortKey != nil {
		s.SortKey = &Attr{Name: t.SortKey.Name, Type: t.SortKey.Type}
	}
	add := func(kind IndexKind, ixs []tableinfo.Index) {
		for _, ix := range ixs {
			s.IndexKeys = append(s.IndexKeys, IndexKey{Attr: Attr{Name: ix.PartitionKey.Name, Type: ix.PartitionKey.Type}, Index: ix.Name, Kind: kind})
			if ix.SortKey != nil {
				s.IndexKeys = append(s.IndexKeys, IndexKey{Attr: Attr{Name: ix.SortKey.Name, Type: ix.SortKey.Type}, Index: ix.Name, Kind: kind, Sort: true})
			}
		}
	}
	add(LSI, t.LocalIndexes)
	add(GSI, t.GlobalIndexes)
	return s
}

// check rejects a schema no DynamoDB table can have, so later messages can trust it.
func (s Schema) check() error {
	if err := s.PartitionKey.check("the table's partition key"); err != nil {
		return err
	}
	seen := map[string]typedRole{s.PartitionKey.Name: {"the table's partition key", s.PartitionKey.Type}}
	if s.SortKey != nil {
		if err := s.SortKey.check("the table's sort key"); err != nil {
			return err
		}
		if err := sameType(seen, *s.SortKey, "the table's sort key"); err != nil {
			return err
		}
	}
	for _, k := range s.IndexKeys {
		if k.Kind != GSI && k.Kind != LSI {
			return &ConfigError{Reason: fmt.Sprintf("index %q of the table is of kind %q; secondary indexes are GSI or LSI", k.Index, string(k.Kind))}
		}
		if k.Index == "" {
			return &ConfigError{Reason: "a secondary index (" + string(k.Kind) + ") of the table has no name"}
		}
		role := "the table's " + k.role()
		if err := k.Attr.check(role); err != nil {
			return err
		}
		if err := sameType(seen, k.Attr, role); err != nil {
			return err
		}
	}
	return nil
}

// typedRole is where a key attribute was first seen, and its type there.
type typedRole struct{ role, typ string }

// sameType checks that a, found as role, has the type it had where it was seen first:
// DynamoDB defines each attribute's type once, for every key it is part of.
func sameType(seen map[string]typedRole, a Attr, role string) error {
	first, ok := seen[a.Name]
	if !ok {
		seen[a.Name] = typedRole{role, a.Type}
		return nil
	}
	if first.typ != a.Type {
		return &ConfigError{Reason: fmt.Sprintf("%s %s has type %q, but %s %s has type %q; an attribute has one type in every key",
			role, a.Name, a.Type, first.role, a.Name, first.typ)}
	}
	return nil
}

func (a Attr) check(role string) error {
	if a.Name == "" {
		return &ConfigError{Reason: role + " has no name"}
	}
	switch a.Type {
	case "S", "N", "B":
		return nil
	}
	return &ConfigError{Reason: role + " " + a.Name + " has type " + quote(a.Type) + "; key attributes must be S, N or B"}
}

// String formats the attribute as in messages: "pk (S)".
func (a Attr) String() string { return a.Name + " (" + a.Type + ")" }

// role names the key in messages: `GSI "by_status" partition key`, `LSI "by_created" sort
// key`.
func (k IndexKey) role() string {
	r := "partition key"
	if k.Sort {
		r = "sort key"
	}
	return fmt.Sprintf("%s %q %s", string(k.Kind), k.Index, r)
}

// String formats the index key as in messages: `GSI "by_status" partition key status (S)`.
func (k IndexKey) String() string { return k.role() + " " + k.Attr.String() }
