// audit: the audit service as its own process, for deployments on Kafka (or beside other services
// on the embedded log). Reads top-down: settings, boot, the module, serve.
#include "common/app/app.h"
#include "services/audit/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"audit: the hub's audit service (hash chains, signed checkpoints, time travel, access log)"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("audit", settings);
  if (!process.ok()) return hub::app::Fail("audit", process.status());

  auto audit = hub::audit::AuditModule::OpenIn(**process);
  if (!audit.ok()) return hub::app::Fail("audit", audit.status());

  return hub::app::Serve("audit", **process, {hub::audit::AuditModule::kServiceName});
}
