//go:build race

package seed

// raceEnabled skips the throughput and determinism tests under the race detector,
// which makes seeding ~20× slower: together they cost a minute of the race run and
// exercise the generator/writer pipeline no differently than TestContent does.
const raceEnabled = true
