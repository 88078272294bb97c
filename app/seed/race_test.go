//go:build race

package seed

// raceEnabled skips the throughput test under the race detector, which is ~30× slower.
const raceEnabled = true
