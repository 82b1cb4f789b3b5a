// referral: the referral service as its own process, for deployments on Kafka (or a single service
// on the embedded log). Reads top-down: settings, boot, the module, serve.
#include "common/app/app.h"
#include "services/referral/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"referral: the hub's referral service (warm handover with a consent-scoped dossier)"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("referral", settings);
  if (!process.ok()) return hub::app::Fail("referral", process.status());

  auto referral = hub::referral::ReferralModule::OpenIn(**process);
  if (!referral.ok()) return hub::app::Fail("referral", referral.status());

  return hub::app::Serve("referral", **process, {hub::referral::ReferralModule::kServiceName});
}
