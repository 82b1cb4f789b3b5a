// LedgerHarness: the event-sourcing core wired as a service would wire it, around the ConsentLedger
// test decider: an EventLog, a projection store, the aggregate and request-index projections, a
// runner and a command handler.
#pragma once

#include <memory>
#include <string>

#include "common/es/command_handler.h"
#include "common/log/rocks_log.h"
#include "tests/testing/consent_ledger.h"

namespace hub::testing {

class LedgerHarness {
 public:
  // Opens the projection store at `store_path` over an existing `log` (not owned).
  static absl::StatusOr<std::unique_ptr<LedgerHarness>> Open(log::EventLog* log, const std::string& store_path,
                                                             const es::Clock* clock, int32_t partitions = 4) {
    std::unique_ptr<LedgerHarness> h(new LedgerHarness());
    h->log_ = log;
    const std::string topic = es::TopicFor(ConsentLedger::kProducer);
    if (auto s = log->CreateTopic(topic, partitions); !s.ok()) return s;
    std::vector<es::Projection*> projections{&h->aggregates_, &h->requests_};
    auto store = store::Store::Open(store_path, es::ProjectionRunner::FamiliesFor(projections));
    if (!store.ok()) return store.status();
    h->store_ = std::move(*store);
    h->runner_ = std::make_unique<es::ProjectionRunner>(log, h->store_.get(), projections,
                                                        es::ProjectionRunnerOptions{.name = "ledger", .topics = {topic}});
    if (auto s = h->runner_->Start(); !s.ok()) return s;
    h->handler_ = std::make_unique<es::CommandHandler<ConsentLedger>>(log, h->runner_.get(), &h->aggregates_,
                                                                     &h->requests_, clock);
    return h;
  }

  ~LedgerHarness() {
    handler_.reset();
    runner_.reset();  // stops the thread before the store closes
  }

  es::CommandHandler<ConsentLedger>& handler() { return *handler_; }
  es::ProjectionRunner& runner() { return *runner_; }
  store::Store& store() { return *store_; }
  const es::AggregateProjection<ConsentLedger>& aggregates() const { return aggregates_; }
  std::vector<std::string> ProjectionFamilies() {
    auto families = aggregates_.Families();
    for (auto& f : requests_.Families()) families.push_back(f);
    families.push_back(es::ProjectionRunner::CheckpointFamily());
    return families;
  }

 private:
  LedgerHarness() : requests_("ledger_requests", es::TopicFor(ConsentLedger::kProducer)) {}
  log::EventLog* log_ = nullptr;
  es::AggregateProjection<ConsentLedger> aggregates_;
  es::RequestIndex requests_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<es::ProjectionRunner> runner_;
  std::unique_ptr<es::CommandHandler<ConsentLedger>> handler_;
};

// Every key and value of the given families, in order: the bytes a projection consists of.
inline std::vector<std::pair<std::string, std::string>> DumpFamilies(store::Store& store,
                                                                     const std::vector<std::string>& families) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : families) {
    std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator({}, store.family(name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.emplace_back(name + "/" + it->key().ToString(), it->value().ToString());
    }
  }
  return out;
}

inline ConsentLedgerCommand RecordConsent(const std::string& consent_id, const std::string& recipient = "fermwerk") {
  ConsentLedgerCommand command;
  auto* c = command.mutable_record();
  c->set_consent_id(consent_id);
  c->set_person_id("person-1");
  c->set_recipient_organisation_id(recipient);
  c->add_data_categories("contact");
  c->set_purpose("warm handover");
  return command;
}

inline es::CommandContext Context(const std::string& household, const std::string& request_id,
                                  const std::string& tenant = "GM0632") {
  es::CommandContext context;
  context.metadata.tenant = tenant;
  context.metadata.household_id = household;
  context.metadata.request_id = request_id;
  context.metadata.actor.set_organisation_id("woerdenwijzer");
  context.metadata.actor.set_role("consulent");
  context.metadata.actor.set_user_pseudonym("u-1");
  context.metadata.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  return context;
}

}  // namespace hub::testing
