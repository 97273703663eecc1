package provider

import "fmt"

// plural is one when n is 1, else many: the word that agrees with a count.
func plural[N int | int64](n N, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// countOf is n followed by the agreeing word: "1 item", "2 items".
func countOf[N int | int64](n N, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}
