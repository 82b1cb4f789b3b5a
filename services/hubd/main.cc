// hubd: every hub service in one process, on one port, over the embedded log. The default way to
// run the hub on one machine; the services also exist as separate binaries for Kafka deployments.
//
// A new service plugs in with one line below, opening its module in the process.
#include "common/app/app.h"
#include "services/audit/module.h"
#include "services/beschikking/module.h"
#include "services/intake/module.h"
#include "services/plan/module.h"
#include "services/referral/module.h"

int main(int argc, char** argv) {
  hub::app::BlockTerminationSignals();
  CLI::App cli{"hubd: the social-domain integration hub, all services in one process"};
  hub::app::Settings settings;
  hub::app::AddFlags(cli, settings);
  CLI11_PARSE(cli, argc, argv);

  auto process = hub::app::Boot("hubd", settings);
  if (!process.ok()) return hub::app::Fail("hubd", process.status());

  auto intake = hub::intake::IntakeModule::OpenIn(**process);
  if (!intake.ok()) return hub::app::Fail("hubd", intake.status());
  auto plan = hub::plan::PlanModule::OpenIn(**process);
  if (!plan.ok()) return hub::app::Fail("hubd", plan.status());
  auto referral = hub::referral::ReferralModule::OpenIn(**process);
  if (!referral.ok()) return hub::app::Fail("hubd", referral.status());
  auto beschikking = hub::beschikking::BeschikkingModule::OpenIn(**process);
  if (!beschikking.ok()) return hub::app::Fail("hubd", beschikking.status());
  auto audit = hub::audit::AuditModule::OpenIn(**process);  // last: it follows every other service's topic
  if (!audit.ok()) return hub::app::Fail("hubd", audit.status());

  return hub::app::Serve("hubd", **process, {hub::intake::IntakeModule::kServiceName, hub::plan::PlanModule::kServiceName,
                                          hub::referral::ReferralModule::kServiceName,
                                          hub::beschikking::BeschikkingModule::kServiceName,
                                          hub::audit::AuditModule::kServiceName});
}
