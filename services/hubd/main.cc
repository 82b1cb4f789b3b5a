// hubd: every hub service in one process, on one port, over the embedded log. The default way to
// run the hub on one machine; the services also exist as separate binaries for Kafka deployments.
//
// A new service plugs in with one block below: open its module, add its service to the host.
#include <iostream>

#include "common/app/app.h"
#include "common/es/clock.h"
#include "services/intake/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"hubd: the social-domain integration hub, all services in one process"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  std::cerr << "hubd starting with\n" << hub::app::Describe(settings);
  auto organisations = hub::app::LoadOrganisations(settings);
  if (!organisations.ok()) return hub::app::Fail("hubd", organisations.status());
  auto master_key = hub::app::LoadMasterKey(settings);
  if (!master_key.ok()) return hub::app::Fail("hubd", master_key.status());
  auto log = hub::app::OpenLog(settings);
  if (!log.ok()) return hub::app::Fail("hubd", log.status());

  hub::rpc::ServerHost host(hub::app::HostOptions(settings));
  hub::es::SystemClock clock;

  auto intake = hub::intake::IntakeModule::Open({.data_dir = settings.data_dir + "/intake",
                                                 .partitions = settings.partitions,
                                                 .log = log->get(),
                                                 .organisations = &*organisations,
                                                 .master_key = &*master_key,
                                                 .clock = &clock,
                                                 .metrics = host.registry().get()});
  if (!intake.ok()) return hub::app::Fail("hubd", intake.status());
  host.AddService((*intake)->service());

  if (auto s = host.Start(); !s.ok()) return hub::app::Fail("hubd", s);
  host.SetServing("hub.v1.IntakeService", true);
  std::cerr << "hubd serving gRPC on 127.0.0.1:" << host.port();
  if (host.metrics_port() != 0) std::cerr << ", metrics on :" << host.metrics_port() << "/metrics";
  std::cerr << std::endl;
  hub::app::ServeUntilSignalled(host);
  return 0;
}
