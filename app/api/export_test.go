package api

import (
	"maps"
	"slices"
)

// OpDocKeys lists the operations the opDoc tables describe, for the OpenAPI test.
func OpDocKeys() []string { return slices.Sorted(maps.Keys(opDocs)) }
