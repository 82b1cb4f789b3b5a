// How the audit projections spell their RocksDB keys, so that RocksDB's byte order is the order
// the queries need: parts joined by the unit separator (never part of a topic, tenant or id) and
// numbers as fixed-width big-endian bytes.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "google/protobuf/timestamp.pb.h"

namespace hub::audit {

inline constexpr char kSep = '\x1f';

inline std::string Join(std::initializer_list<std::string_view> parts) {
  std::string out;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) out.push_back(kSep);
    out.append(part);
    first = false;
  }
  return out;
}

inline void PutBigEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

inline uint64_t GetBigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes && static_cast<size_t>(i) < in.size(); ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  return v;
}

// Partition (4 bytes) and offset (8 bytes), big-endian.
inline std::string PartitionOffset(int32_t partition, int64_t offset) {
  std::string out;
  PutBigEndian(out, static_cast<uint32_t>(partition), 4);
  PutBigEndian(out, static_cast<uint64_t>(offset), 8);
  return out;
}

// Nanoseconds since the epoch.
inline int64_t Nanos(const google::protobuf::Timestamp& t) { return t.seconds() * 1'000'000'000 + t.nanos(); }

// A moment as 8 bytes that sort like the moments (the sign bit flipped, so that times before 1970
// sort before those after).
inline std::string SortableNanos(int64_t nanos) {
  std::string out;
  PutBigEndian(out, static_cast<uint64_t>(nanos) ^ (uint64_t{1} << 63), 8);
  return out;
}

inline int64_t FromSortableNanos(std::string_view in) {
  return static_cast<int64_t>(GetBigEndian(in, 8) ^ (uint64_t{1} << 63));
}

}  // namespace hub::audit
