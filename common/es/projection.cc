#include "common/es/projection.h"

#include "common/store/store.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace hub::es {

absl::StatusOr<std::string> ProjectionWriter::Get(rocksdb::ColumnFamilyHandle* family,
                                                  std::string_view key) const {
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), family,
                                                rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return absl::NotFoundError("absent");
  if (!s.ok()) return store::ToStatus(s, "projection read");
  return value;
}

void ProjectionWriter::Put(rocksdb::ColumnFamilyHandle* family, std::string_view key, std::string_view value) {
  batch_->Put(family, rocksdb::Slice(key.data(), key.size()), rocksdb::Slice(value.data(), value.size()));
}

void ProjectionWriter::Delete(rocksdb::ColumnFamilyHandle* family, std::string_view key) {
  batch_->Delete(family, rocksdb::Slice(key.data(), key.size()));
}

std::string SerializeDeterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

}  // namespace hub::es
