package live

// Exported for the fuzz test in package live_test.
var (
	ParseFrame  = parseFrame
	UnknownType = unknownType
)
