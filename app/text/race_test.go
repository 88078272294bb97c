//go:build race

package text

// raceEnabled skips the every-code-point tests under the race detector: they walk
// tables in one goroutine, so it finds nothing there and makes them ~10× slower.
const raceEnabled = true
