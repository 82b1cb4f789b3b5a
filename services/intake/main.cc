// intake: the intake service as its own process.
#include <iostream>

#include "common/app/app.h"
#include "common/es/clock.h"
#include "services/intake/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"intake: meldingen, households, consent, triage and regisseur"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  std::cerr << "intake starting with\n" << hub::app::Describe(settings);
  auto organisations = hub::app::LoadOrganisations(settings);
  if (!organisations.ok()) return hub::app::Fail("intake", organisations.status());
  auto master_key = hub::app::LoadMasterKey(settings);
  if (!master_key.ok()) return hub::app::Fail("intake", master_key.status());
  auto log = hub::app::OpenLog(settings);
  if (!log.ok()) return hub::app::Fail("intake", log.status());

  hub::rpc::ServerHost host(hub::app::HostOptions(settings));
  hub::es::SystemClock clock;
  auto intake = hub::intake::IntakeModule::Open({.data_dir = settings.data_dir + "/intake",
                                                 .partitions = settings.partitions,
                                                 .log = log->get(),
                                                 .organisations = &*organisations,
                                                 .master_key = &*master_key,
                                                 .clock = &clock,
                                                 .metrics = host.registry().get()});
  if (!intake.ok()) return hub::app::Fail("intake", intake.status());
  host.AddService((*intake)->service());
  if (auto s = host.Start(); !s.ok()) return hub::app::Fail("intake", s);
  host.SetServing("hub.v1.IntakeService", true);
  std::cerr << "intake serving gRPC on port " << host.port() << std::endl;
  hub::app::ServeUntilSignalled(host);
  return 0;
}
