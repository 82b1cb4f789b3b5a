// The partition of a key, computed exactly as Kafka's Java client computes it.
//
// Kafka's default partitioner takes murmur2 (seed 0x9747b28c) of the key bytes, clears the sign bit
// and takes the remainder by the partition count. Both log backends use this function, so a
// household's partition (and so every Position) is the same whether the hub runs embedded or on
// Kafka, and a Java or librdkafka producer (partitioner=murmur2) would agree.
#pragma once

#include <cstdint>
#include <string_view>

namespace hub::log {

// Kafka's Utils.murmur2: the signed 32-bit murmur2 hash of `key`.
int32_t Murmur2(std::string_view key);

// Kafka's Utils.toPositive(Utils.murmur2(key)) % partitions. `partitions` must be positive.
int32_t PartitionForKey(std::string_view key, int32_t partitions);

}  // namespace hub::log
