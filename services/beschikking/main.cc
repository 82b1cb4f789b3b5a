// beschikking: the beschikking service as its own process, for deployments on Kafka (or a single
// service on the embedded log). Reads top-down: settings, boot, the module, serve.
#include "common/app/app.h"
#include "services/beschikking/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"beschikking: the hub's beschikking service (aanvraag, beschikking, toewijzing, bezwaar)"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("beschikking", settings);
  if (!process.ok()) return hub::app::Fail("beschikking", process.status());

  auto beschikking = hub::beschikking::BeschikkingModule::OpenIn(**process);
  if (!beschikking.ok()) return hub::app::Fail("beschikking", beschikking.status());

  return hub::app::Serve("beschikking", **process, {hub::beschikking::BeschikkingModule::kServiceName});
}
