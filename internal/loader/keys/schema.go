package keys

import "github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"

// Attr is one key attribute: its name and scalar type ("S", "N" or "B").
type Attr struct {
	Name string
	Type string
}

// Schema is a table's primary key: a partition key and an optional sort key.
type Schema struct {
	PartitionKey Attr
	SortKey      *Attr
}

// SchemaFromTable takes the primary key from a described table.
func SchemaFromTable(t *tableinfo.Table) Schema {
	s := Schema{PartitionKey: Attr{Name: t.PartitionKey.Name, Type: t.PartitionKey.Type}}
	if t.SortKey != nil {
		s.SortKey = &Attr{Name: t.SortKey.Name, Type: t.SortKey.Type}
	}
	return s
}

// validate rejects a schema no DynamoDB table can have, so later messages can trust it.
func (s Schema) validate() error {
	if err := s.PartitionKey.validate("partition key"); err != nil {
		return err
	}
	if s.SortKey != nil {
		return s.SortKey.validate("sort key")
	}
	return nil
}

func (a Attr) validate(role string) error {
	if a.Name == "" {
		return &ConfigError{Reason: "the table's " + role + " has no name"}
	}
	switch a.Type {
	case "S", "N", "B":
		return nil
	}
	return &ConfigError{Reason: "the table's " + role + " " + a.Name + " has type " + quote(a.Type) + "; key attributes must be S, N or B"}
}

// String formats the attribute as in messages: "pk (S)".
func (a Attr) String() string { return a.Name + " (" + a.Type + ")" }
