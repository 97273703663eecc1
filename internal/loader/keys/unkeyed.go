package keys

import "github.com/ddbload/terraform-provider-ddbload/internal/loader/record"

// NewUnkeyedStage is a stage for a table whose key schema is not known yet: Apply renders the
// key templates (so it checks that every item has the attributes they use, with usable types,
// and the shard attribute), but writes no key and checks none. Its errors are *ConfigError.
func NewUnkeyedStage(o Options) (*Stage, error) {
	st := &Stage{unkeyed: true, shardAttr: o.ShardAttribute, shardCount: o.ShardCount}
	anyString := Attr{Name: "(the table's key)", Type: "S"}
	var err error
	if o.PartitionKey != "" {
		if st.pk, err = keyTemplate("PartitionKey", "partition key", o.PartitionKey, anyString); err != nil {
			return nil, err
		}
	}
	if o.SortKey != "" {
		if st.sk, err = keyTemplate("SortKey", "sort key", o.SortKey, anyString); err != nil {
			return nil, err
		}
	}
	if err := checkShard(st.pk.usesShard() || st.sk.usesShard(), o); err != nil {
		return nil, err
	}
	return st, nil
}

// applyUnkeyed is Apply without a key schema: the templates are rendered and thrown away.
func (s *Stage) applyUnkeyed(r *record.Record) error {
	shard := 0
	if s.pk != nil {
		if _, err := s.render(s.pk, "partition key", r, &shard); err != nil {
			return err
		}
	}
	if s.sk != nil {
		if _, err := s.render(s.sk, "sort key", r, &shard); err != nil {
			return err
		}
	}
	return nil
}
