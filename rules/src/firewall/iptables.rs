use super::{header, heading, Model, Opening};
use crate::rule::Transport;
use crate::ticket::{FirewallMode, Ticket};
use crate::SaasIps;

/// The chain every rule goes into; nothing else in the table is changed but one jump to it.
const CHAIN: &str = "PALETTE-PORTCHECK";

/// A POSIX shell script that replaces the rules of its own chain through
/// `iptables-restore --noflush` (and `ip6tables-restore` for IPv6), then jumps to the chain
/// from the top of FORWARD (router mode) or INPUT and OUTPUT (host mode) unless the jump is
/// already there. A plain restore file cannot do this: without `--noflush` it replaces every
/// chain of the table, and with it, it cannot tell whether the jump exists.
pub fn iptables(ticket: &Ticket, saas: &SaasIps) -> String {
    let model = Model::new(ticket, saas);
    let mut out = String::from("#!/bin/sh\n");
    out.push_str(&header(
        ticket,
        "#",
        "Check with: sh FILE --test (runs iptables-restore --test; changes nothing).",
    ));
    let (hooks, place) = match ticket.firewall_mode {
        FirewallMode::Router => (
            "FORWARD",
            "FORWARD (router mode: run it on the Linux router or firewall between the networks)",
        ),
        FirewallMode::Host => (
            "INPUT OUTPUT",
            "INPUT and OUTPUT (host mode: run it on the node itself)",
        ),
    };
    out.push_str(&format!(
        "#
# What it changes: the rules of the chain {CHAIN} (replaced on every run, for IPv4 and,
# when there are IPv6 addresses, IPv6) and one jump to that chain at the top of {place}.
# Every other rule, chain and policy stays as it is, and running it again gives the same
# ruleset. It is a script, not an iptables-restore file, because a restore file without
# --noflush replaces every chain of the filter table, and with --noflush it adds the jump again
# on every run.
#
# Run as root:  sh FILE            apply
#               sh FILE --test     check the rules with iptables-restore --test, change nothing
#               sh FILE --print    print what is fed to iptables-restore and ip6tables-restore
#
# Replies are let through by the chain's first rule (connection tracking).
"
    ));
    out.push_str(&fills_section(&model));
    out.push_str(&format!(
        r#"
set -eu
set -f
CHAIN={CHAIN}
HOOKS="{hooks}"
case "${{1-}}" in
  '') mode=apply ;;
  --test) mode=test ;;
  --print) mode=print ;;
  *) echo "usage: sh $0 [--test|--print]" >&2; exit 2 ;;
esac

# The entries of an address list that are of one IP version (4 or 6), comma-separated.
family() {{
  picked=''
  for entry in $(printf '%s' "$2" | tr ',' ' '); do
    # Only the plain forms: iptables would also read 127.1 or 0x7f.1 as an address, and a
    # name (or a word of hex digits such as cafe) would send it to resolve one.
    case $entry in
      *:*) version=6 ip='{IPV6_FORM}' bits='([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])' ;;
      *) version=4 ip='{IPV4_FORM}' bits='([0-9]|[12][0-9]|3[0-2])' ;;
    esac
    if ! printf '%s\n' "$entry" | grep -Eiqx "$ip(/$bits)?"; then
      echo "$0: '$entry' is not an IPv$version address or CIDR in its plain form; names are not resolved here, enter addresses" >&2
      exit 2
    fi
    if [ "$version" = "$1" ]; then picked="$picked${{picked:+,}}$entry"; fi
  done
  printf '%s' "$picked"
}}

v4='' v6='' skipped=''
# rule SOURCES DESTINATIONS IPV4-MATCH IPV6-MATCH FLOW
rule() {{
  s4=$(family 4 "$1"); d4=$(family 4 "$2"); s6=$(family 6 "$1"); d6=$(family 6 "$2")
  written=''
  if [ -n "$s4" ] && [ -n "$d4" ]; then
    v4="$v4-A $CHAIN -s $s4 -d $d4 $3 -m comment --comment \"$5\" -j ACCEPT
"
    written=1
  fi
  if [ -n "$s6" ] && [ -n "$d6" ]; then
    v6="$v6-A $CHAIN -s $s6 -d $d6 $4 -m comment --comment \"$5\" -j ACCEPT
"
    written=1
  fi
  if [ -z "$written" ]; then skipped="$skipped [$5]"; fi
}}
"#
    ));
    for opening in &model.openings {
        out.push('\n');
        out.push_str(&heading("", &opening.label(), opening.rule, &opening.notes));
        let src = list(&model, &opening.src);
        let dst = list(&model, &opening.dst);
        for (v4, v6) in matches(opening) {
            out.push_str(&format!(
                "rule \"{src}\" \"{dst}\" '{v4}' '{v6}' '{}'\n",
                opening.label()
            ));
        }
    }
    out.push_str(&model.left_out("#"));
    out.push_str(
        r#"
if [ -n "$skipped" ]; then
  echo "$0: not written, an address list at the top is empty or has no address of the other end's IP version:$skipped" >&2
fi

# restore COMMAND RULES: replace the chain's rules, then jump to it once from each hook.
restore() {
  input=$(printf '*filter\n:%s - [0:0]\n-A %s -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n%sCOMMIT' "$CHAIN" "$CHAIN" "$2")
  case $mode in
    print) printf '# %s-restore --noflush\n%s\n' "$1" "$input"; return ;;
    test) printf '%s\n' "$input" | "$1-restore" --noflush --test; return ;;
  esac
  printf '%s\n' "$input" | "$1-restore" --noflush
  for hook in $HOOKS; do
    "$1" -C "$hook" -j "$CHAIN" 2>/dev/null || "$1" -I "$hook" 1 -j "$CHAIN"
  done
}

restore iptables "$v4"
# IPv6 only when there are IPv6 rules, or an earlier run left the chain there to be replaced.
if [ -n "$v6" ] || { [ "$mode" = apply ] && ip6tables -n -L "$CHAIN" >/dev/null 2>&1; }; then
  restore ip6tables "$v6"
fi
"#,
    );
    out
}

/// IPv4 as the dotted quad only: iptables also reads 127.1, 0x7f.1 and 010.1.1.1, which mean
/// something else than they seem.
const IPV4_FORM: &str = r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// IPv6 in the text forms of RFC 4291 (groups of one to four hex digits, one `::` at most, an
/// IPv4 tail), for `grep -Eix`: anything else, such as `dead:beef` or `10.0.0.1:443`,
/// ip6tables-restore would send to be resolved as a name.
const IPV6_FORM: &str = concat!(
    "(([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}",
    "|([0-9a-f]{1,4}:){1,7}:",
    "|([0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}",
    "|([0-9a-f]{1,4}:){1,5}(:[0-9a-f]{1,4}){1,2}",
    "|([0-9a-f]{1,4}:){1,4}(:[0-9a-f]{1,4}){1,3}",
    "|([0-9a-f]{1,4}:){1,3}(:[0-9a-f]{1,4}){1,4}",
    "|([0-9a-f]{1,4}:){1,2}(:[0-9a-f]{1,4}){1,5}",
    "|[0-9a-f]{1,4}:(:[0-9a-f]{1,4}){1,6}",
    "|:((:[0-9a-f]{1,4}){1,7}|:)",
    "|([0-9a-f]{1,4}:){6}",
    r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
    "|(([0-9a-f]{1,4}:){1,5}|:):([0-9a-f]{1,4}:){0,4}",
    r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))"
);

/// The address lists a user fills in at the top of the script.
fn fills_section(model: &Model) -> String {
    if model.fills.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "#\n# Addresses to fill in: IP addresses or CIDRs, IPv4 and IPv6 together, separated by\n# commas, between the quotes (or set in the environment). Rules that need an empty list\n# are not written, and the run says which.\n",
    );
    for fill in &model.fills {
        let var = fill.var();
        out.push_str(&format!(
            "{var}=\"${{{var}-}}\"  # {}\n",
            super::clean(&fill.what)
        ));
    }
    out
}

/// An end as the script's address list: known addresses, then the variables to fill in.
fn list(model: &Model, ends: &super::Ends) -> String {
    let items: Vec<String> = ends
        .v4
        .iter()
        .chain(&ends.v6)
        .cloned()
        .chain(
            ends.fills
                .iter()
                .map(|key| format!("${}", model.fill_of(key).var())),
        )
        .collect();
    items.join(",")
}

/// (IPv4 match, IPv6 match) per rule line.
fn matches(opening: &Opening) -> Vec<(String, String)> {
    let flow = opening.flow;
    let ports: Vec<String> = flow
        .ports
        .iter()
        .map(|p| {
            if p.first == p.last {
                p.first.to_string()
            } else {
                format!("{}:{}", p.first, p.last)
            }
        })
        .collect();
    let both = |m: String| vec![(m.clone(), m)];
    match flow.transport {
        Transport::Tcp | Transport::Udp => {
            let proto = flow.transport.as_str();
            if ports.len() == 1 {
                both(format!("-p {proto} -m {proto} --dport {}", ports[0]))
            } else {
                both(format!(
                    "-p {proto} -m multiport --dports {}",
                    ports.join(",")
                ))
            }
        }
        Transport::Esp => both("-p esp".to_owned()),
        // Echo replies are replies: the chain's first rule lets them back.
        Transport::Icmp => vec![(
            "-p icmp -m icmp --icmp-type echo-request".to_owned(),
            "-p ipv6-icmp -m icmp6 --icmpv6-type echo-request".to_owned(),
        )],
    }
}
