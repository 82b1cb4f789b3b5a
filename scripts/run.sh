#!/usr/bin/env bash
# Runs the hub: installs what is missing, builds, and starts hubd (every service in one process) on
# the embedded event log. Stop it with Ctrl-C; the data stays in the data directory.
#
#   scripts/run.sh           hubd on 127.0.0.1:50051, metrics on 127.0.0.1:9464, data in var/hub
#   scripts/run.sh --demo    the same, then loads a worked example household and prints its state
#
# Environment: HUB_LISTEN, HUB_METRICS_LISTEN, HUB_DATA_DIR, HUB_ORGANISATIONS (see hubd --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

demo=false
case "${1:-}" in
  --demo) demo=true ;;
  "") ;;
  *) echo "usage: scripts/run.sh [--demo]" >&2; exit 2 ;;
esac

hub_install_packages
hub_build

export HUB_LISTEN="${HUB_LISTEN:-127.0.0.1:50051}"
export HUB_METRICS_LISTEN="${HUB_METRICS_LISTEN:-127.0.0.1:9464}"
export HUB_DATA_DIR="${HUB_DATA_DIR:-$HUB_ROOT/var/hub}"
export HUB_ORGANISATIONS="${HUB_ORGANISATIONS:-$HUB_ROOT/deploy/config/organisations.json}"
hubd="$HUB_BUILD_DIR/services/hubd/hubd"
hubctl="$HUB_BUILD_DIR/tools/hubctl/hubctl"
mkdir -p "$HUB_DATA_DIR"
server_log="$HUB_DATA_DIR/hubd.log"

"$hubd" 2> >(tee "$server_log" >&2) &
hubd_pid=$!
trap 'kill -TERM "$hubd_pid" 2>/dev/null || true; wait "$hubd_pid" 2>/dev/null || true' EXIT INT TERM

# hubd prints one line when it serves; give up if it exits first or takes over a minute.
for _ in $(seq 600); do
  grep -q "serving gRPC" "$server_log" 2>/dev/null && break
  kill -0 "$hubd_pid" 2>/dev/null || { hub_log "hubd did not start (see above)"; exit 1; }
  sleep 0.1
done
grep -q "serving gRPC" "$server_log" || { hub_log "hubd did not report ready within a minute"; exit 1; }

export HUB_SERVER="$HUB_LISTEN"
cat <<TXT

The hub is running on $HUB_LISTEN (Prometheus metrics: http://$HUB_METRICS_LISTEN/metrics).
Try it from another terminal with hubctl, as the Woerden social team:
  $hubctl --server $HUB_LISTEN melding register --channel phone --source self \\
      --person "111222333,1986-03-14,Anouk de Vries,parent" --question "Hulp bij schulden"
  $hubctl --server $HUB_LISTEN household show --household <household id from the reply>
  $hubctl --help
Stop with Ctrl-C.
TXT

if $demo; then
  hub_log "loading the demo: a Woerden family, signalled by the school"
  json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
  reply=$("$hubctl" --json --organisation basisschool-de-regenboog --role signaalgever --user school-ib-1 \
    melding register --channel vindplaats --source school \
    --person "111222333,1986-03-14,Anouk de Vries,parent" \
    --person "123456782,2013-06-02,Daan de Vries,child" \
    --question "Daan komt vaak zonder ontbijt en te laat; moeder zegt dat het geld op is." \
    --life-domain FINANCIEN --life-domain HUISELIJKE_RELATIES --data-category CONTACT)
  household=$(json "d['result']['household_id']" <<<"$reply")
  melding=$(json "d['melding_id']" <<<"$reply")
  anouk=$(json "d['person_ids'][0]" <<<"$reply")
  "$hubctl" triage complete --household "$household" --melding "$melding" --class MEERVOUDIG \
    --zrm FINANCIEN=2 --zrm WERK_OPLEIDING=2 --zrm HUISELIJKE_RELATIES=3 --zrm SOCIAAL_NETWERK=3 >/dev/null
  "$hubctl" consent record --household "$household" --person "$anouk" --recipient fermwerk \
    --category CONTACT --category HOUSEHOLD_COMPOSITION --category TRIAGE --category PLAN --category FINANCIAL \
    --purpose "warme overdracht naar werk en inkomen" --valid-until "$(date -d '+1 year' +%F)" >/dev/null
  "$hubctl" regisseur assign --household "$household" --organisation woerdenwijzer --user wijzer-regisseur-3 >/dev/null
  echo
  echo "The demo household as WoerdenWijzer sees it:"
  "$hubctl" household show --household "$household"

  hub_log "the plan: drafted by the consulent, agreed by Anouk and the casusregisseur"
  plan=$("$hubctl" --json plan draft --household "$household" --melding "$melding" --evaluation-weeks 8 \
    | json "d['plan_id']")
  "$hubctl" plan goal add --household "$household" --plan "$plan" --domain FINANCIEN \
    --result "Vaste lasten op tijd betaald; schulden in een regeling" --target "$(date -d '+6 months' +%F)" \
    --tier maatwerk --responsible-organisation schuldhulp-woerden \
    --agreements "Schuldhulp stelt een budgetplan op; Anouk levert de post aan" >/dev/null
  work_goal=$("$hubctl" --json plan goal add --household "$household" --plan "$plan" --domain WERK_OPLEIDING \
    --result "Anouk werkt weer, minstens 16 uur per week" --target "$(date -d '+9 months' +%F)" \
    --tier maatwerk --responsible-organisation fermwerk \
    --agreements "FermWerk begeleidt naar werk; WoerdenWijzer regelt opvang voor Daan" | json "d['goal_id']")
  "$hubctl" plan goal add --household "$household" --plan "$plan" --domain HUISELIJKE_RELATIES \
    --result "Daan ontbijt thuis en is op tijd op school" --target "$(date -d '+3 months' +%F)" \
    --tier own-effort --responsible-person "$anouk" >/dev/null
  "$hubctl" --role casusregisseur --user wijzer-regisseur-3 \
    plan agree --household "$household" --plan "$plan" --revision 1 --resident "$anouk" >/dev/null
  echo
  echo "The plan as WoerdenWijzer sees it:"
  "$hubctl" plan show --household "$household"
  echo
  echo "The same plan as FermWerk sees it (only the goals FermWerk is responsible for):"
  "$hubctl" --organisation fermwerk --role consulent --user fermwerk-consulent-1 plan show --household "$household"

  hub_log "the referral: WoerdenWijzer hands Anouk over to FermWerk for her work goal (warme overdracht)"
  as_fermwerk=(--organisation fermwerk --role consulent --user fermwerk-consulent-1)
  # The purpose and categories are those of Anouk's consent for FermWerk above; anything more is
  # refused with CONSENT_MISSING.
  referral=$("$hubctl" --json referral request --household "$household" --person "$anouk" --receiver fermwerk \
    --purpose "warme overdracht naar werk en inkomen" \
    --category CONTACT --category HOUSEHOLD_COMPOSITION --category TRIAGE --category PLAN --category FINANCIAL \
    --goal "$work_goal" --reason "Anouk wil weer aan het werk; de schulden worden via schuldhulp geregeld" \
    | json "d['referral_id']")
  "$hubctl" "${as_fermwerk[@]}" referral accept --household "$household" --referral "$referral" >/dev/null
  # Today as the hub counts days: in the Netherlands.
  "$hubctl" "${as_fermwerk[@]}" referral meeting --household "$household" --referral "$referral" \
    --on "$(TZ=Europe/Amsterdam date +%F)" >/dev/null
  "$hubctl" referral complete --household "$household" --referral "$referral" >/dev/null
  echo
  echo "The handover dossier as FermWerk reads it:"
  "$hubctl" "${as_fermwerk[@]}" referral dossier --household "$household" --referral "$referral"

  hub_log "the beschikking: a Wmo aanvraag for begeleiding, granted in natura at Zorgaanbieder De Linde"
  as_beschikker=(--organisation woerden-beschikkingen --role decision_officer --user beschikker-1)
  as_de_linde=(--organisation zorgaanbieder-de-linde --role zorgverlener --user linde-1)
  aanvraag=$("$hubctl" --json aanvraag submit --household "$household" --person "$anouk" --law wmo \
    --provision "Begeleiding bij dagstructuur en administratie, zodat Anouk haar werk volhoudt" \
    | json "d['aanvraag_id']")
  # Today as the hub counts days: in the Netherlands. 02A01 is individuele begeleiding
  # (deploy/config/products.json), 98001234 De Linde's AGB code (deploy/config/organisations.json).
  today=$(TZ=Europe/Amsterdam date +%F)
  toewijzing=$("$hubctl" --json "${as_beschikker[@]}" beschikking issue --household "$household" \
    --aanvraag "$aanvraag" --outcome granted \
    --motivation "Anouk heeft begeleiding nodig om haar dag en administratie te structureren; het netwerk kan dit niet dragen" \
    --product "02A01,3,hour,per-week,$today,$(TZ=Europe/Amsterdam date -d '+1 year' +%F),zin:98001234" \
    | json "d['toewijzingen'][0]['toewijzing_id']")
  "$hubctl" "${as_de_linde[@]}" zorg start --household "$household" --toewijzing "$toewijzing" --on "$today" >/dev/null
  echo
  echo "The beschikking, its toewijzing and the start message:"
  "$hubctl" beschikking show --household "$household"

  # The council's view: anonymised, so one household shows as "<5" everywhere it counts.
  echo
  "$hubctl" --organisation accountant-gm0632 --role auditor --user accountant-1 report stapeling
fi

wait "$hubd_pid"
