// hubd: every hub service in one process, on one port, over the embedded log. The default way to
// run the hub on one machine; the services also exist as separate binaries for Kafka deployments.
//
// A new service plugs in with one block below: open its module, add its service to the host.
#include "common/app/app.h"
#include "services/intake/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"hubd: the social-domain integration hub, all services in one process"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("hubd", settings);
  if (!process.ok()) return hub::app::Fail("hubd", process.status());
  auto& p = **process;

  auto intake = hub::intake::IntakeModule::Open({.data_dir = settings.data_dir + "/intake",
                                                 .partitions = settings.partitions,
                                                 .log = p.log.get(),
                                                 .organisations = &p.organisations,
                                                 .master_key = &p.master_key,
                                                 .clock = &p.clock,
                                                 .metrics = p.host->registry().get(),
                                                 .kafka = dynamic_cast<hub::log::KafkaLog*>(p.log.get()),
                                                 .kafka_brokers = settings.brokers,
                                                 .advertised_address = settings.advertise.empty() ? settings.listen
                                                                                                  : settings.advertise});
  if (!intake.ok()) return hub::app::Fail("hubd", intake.status());
  p.host->AddService((*intake)->service());

  return hub::app::Serve("hubd", p, {"hub.v1.IntakeService"});
}
