// plan: the plan service as its own process, for deployments on Kafka (or a single service on the
// embedded log). Reads top-down: settings, boot, the module, serve.
#include "common/app/app.h"
#include "services/plan/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"plan: the hub's plan service (one household, one plan, one regisseur)"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("plan", settings);
  if (!process.ok()) return hub::app::Fail("plan", process.status());

  auto plan = hub::plan::PlanModule::OpenIn(**process);
  if (!plan.ok()) return hub::app::Fail("plan", plan.status());

  return hub::app::Serve("plan", **process, {hub::plan::PlanModule::kServiceName});
}
