package ledger

import "testing"

// TestStepCodings checks that Encode writes each key shape's steps in the smaller coding, and
// that both codings read back: a Rice code for steps spread at random, uvarints where DEFLATE
// finds the steps repeat. (Customers with a few orders each have as many steps of 1 from one
// customer to the next as steps between orders, which DEFLATE writes in less than the Rice
// code's k+1 bits; with 50 orders each, as TestLedgerSizeAtAMillion has, the Rice code wins.)
func TestStepCodings(t *testing.T) {
	t.Parallel()
	want := map[string]stepCoding{
		"user and timestamp":       stepsRice,
		"sharded tenant and order": stepsUvarint,
		"customer and order":       stepsUvarint,
		"uuid":                     stepsUvarint,
	}
	for _, s := range keyShapes {
		n := 20_000
		var b Builder
		for i := range n {
			b.AddEntry(s.entry(i))
		}
		l := b.Build()
		sizes := map[stepCoding]int{}
		for _, coding := range []stepCoding{stepsUvarint, stepsRice} {
			enc := l.encodeSteps(coding)
			sizes[coding] = len(enc)
			if got, err := Decode(enc); err != nil || !sameLedger(got, l) {
				t.Fatalf("%s, coding %d: round trip: %v", s.name, coding, err)
			}
		}
		enc := l.Encode()
		if got := stepsOf(t, enc); got != want[s.name] || len(enc) != min(sizes[stepsUvarint], sizes[stepsRice]) {
			t.Errorf("%s: Encode wrote the steps in coding %d, %d bytes; want coding %d (uvarints %d bytes, Rice %d)",
				s.name, got, len(enc), want[s.name], sizes[stepsUvarint], sizes[stepsRice])
		}
	}
}
