package limit

import "hash/maphash"

// ShardOf exposes shard selection so tests can fill one shard on purpose.
func (m *Memory) ShardOf(rule Rule, key string) int {
	return int(maphash.Comparable(m.seed, bucketKey{rule: rule.Name, key: key}) % shardCount)
}

const ShardCount = shardCount
