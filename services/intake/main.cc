// intake: the intake service as its own process.
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
  if (!intake.ok()) return hub::app::Fail("intake", intake.status());
  p.host->AddService((*intake)->service());
  return hub::app::Serve("intake", p, {"hub.v1.IntakeService"});
}
