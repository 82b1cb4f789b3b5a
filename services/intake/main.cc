// intake: the intake service as its own process (on Kafka, any number of replicas).
#include "common/app/app.h"
#include "services/intake/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"intake: meldingen, households, consent, triage and regisseur"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("intake", settings);
  if (!process.ok()) return hub::app::Fail("intake", process.status());
  auto intake = hub::intake::IntakeModule::OpenIn(**process);
  if (!intake.ok()) return hub::app::Fail("intake", intake.status());
  return hub::app::Serve("intake", **process, {hub::intake::IntakeModule::kServiceName});
}
