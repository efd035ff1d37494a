use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::path::PathBuf;

const ABOUT: &str = "Check the network flows a Spectro Cloud Palette deployment needs.";

const LONG_ABOUT: &str = "\
Check the network flows a Spectro Cloud Palette deployment needs.

portcheck serves the palette-portcheck app (questionnaire, port checklist, topology picture and
firewall ticket) to your browser from this machine (`serve --dir`), or live checks for the page
you use elsewhere (`serve --allow-origin`). From the command line it prints the checklist and the
firewall ticket for an answer file, proves the flows with live checks (DNS, TCP, TLS, HTTP/2,
proxy) from wherever it runs, merges reports from many places, and keeps watching for Prometheus.

`serve` and `watch` listen on the loopback interface only unless you say otherwise, so nothing
outside this machine can reach them. `check` and `watch` contact only the targets of their plan.";

const EXAMPLES: &str = "\
Examples:
  Serve the app built by `make run` (or `trunk build`) and open the printed URL:
    portcheck serve --dir dist

  The checklist and the firewall ticket for an answer file saved by the app:
    portcheck checklist --answers answers.json
    portcheck ticket --answers answers.json --format nftables

  Prove the flows that start on this machine (here: a workload cluster node):
    portcheck plan --answers answers.json --from workload > plan.json
    portcheck check --plan plan.json

Each command has its own --help.";

#[derive(Debug, Parser)]
#[command(name = "portcheck", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// Print more detail on stderr (-v: debug, -vv: trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line; `--version` also names the commit and target of the build
    /// (`build.rs`) and the documentation snapshot the built-in rule base was checked against.
    pub fn parse_with_provenance() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let snapshot = rules::catalog().map_or_else(
            |e| e.to_string(),
            |c| rules::checklist::provenance(&c.snapshot),
        );
        // clap keeps the text for the process's life; it is built once.
        let version: &'static str = Box::leak(
            format!(
                "{}\ncommit {}, built for {}\n{snapshot}",
                env!("CARGO_PKG_VERSION"),
                env!("PORTCHECK_COMMIT"),
                env!("PORTCHECK_TARGET"),
            )
            .into_boxed_str(),
        );
        let matches = Cli::command().version(version).get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    pub fn log_level(&self) -> tracing::Level {
        match self.verbose {
            0 => tracing::Level::INFO,
            1 => tracing::Level::DEBUG,
            _ => tracing::Level::TRACE,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve live checks (and the built app, with --dir) on http://127.0.0.1:PORT; print the link.
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// Print the network flows (and findings) an answer file calls for.
    #[command(after_help = CHECKLIST_EXAMPLES)]
    Checklist(ChecklistArgs),
    /// Write the firewall change ticket, or vendor-ready rules, for an answer file.
    #[command(after_help = TICKET_EXAMPLES)]
    Ticket(TicketArgs),
    /// Write the probe plan: the checks to run from one place in your network.
    #[command(after_help = PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Run a plan's checks from this machine: DNS, TCP, TLS, HTTP/2, through the proxy.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Write Kubernetes manifests that run a plan from every node of a cluster (or as a Job).
    #[command(after_help = KUBE_EXAMPLES)]
    Kube(KubeArgs),
    /// Merge check reports from many places into one fleet report: where each flow fails.
    #[command(after_help = MERGE_EXAMPLES)]
    Merge(MergeArgs),
    /// Run a plan's checks on a schedule and serve the results to Prometheus (OpenMetrics).
    #[command(after_help = WATCH_EXAMPLES)]
    Watch(WatchArgs),
    /// Compare Palette documentation pages (Markdown sources) with the rule base's tables.
    #[command(name = "docs-drift", after_help = DOCS_DRIFT_EXAMPLES)]
    DocsDrift(DocsDriftArgs),
}

const DOCS_DRIFT_EXAMPLES: &str = "\
Reads the Markdown sources of Palette's documentation pages the rule base is built from (the
ports page, the IP addresses and domains page, the self-hosted required-domains partial, the PCG
architecture page), finds each file's page by its name (networking-ports.md,
networking-ports@99bc9d08.md, _required-domains.mdx ...), extracts every table row and reports:
  not covered  a row no rule covers, with the closest rule;
  disagrees    a covered row whose port, direction or domain the rules do not carry;
  moved        a covered row now under another heading;
  removed      a covered row the page no longer has (its rules may be obsolete).

Exit status: 0 no drift; 1 drift; 2 a file is unreadable or not a mapped page.

Examples (librarium is a checkout of github.com/spectrocloud/librarium):
  portcheck docs-drift librarium/docs/docs-content/architecture/networking-ports.md
  portcheck docs-drift --format markdown librarium/docs/docs-content/architecture/palette-public-ips.md \\
      librarium/_partials/self-hosted/_required-domains.mdx > drift.md";

#[derive(Debug, Args)]
pub struct DocsDriftArgs {
    /// Markdown files of the documentation pages; `-` is not accepted (the name says the page).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = DriftFormat::Text)]
    pub format: DriftFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DriftFormat {
    /// Plain text: one block per drifting row, with file and line.
    Text,
    /// A Markdown report: the files read, then one table row per drifting row.
    Markdown,
    /// JSON: `files` (file, page, path, rows) and `drift` (kind, file, page, line, heading, row,
    /// rules, detail).
    Json,
}

const SERVE_EXAMPLES: &str = "\
The printed link carries a per-launch token in its fragment: open it, and the app's Live checks
panel can run checks through this probe. Pages of other origins need --allow-origin and the
link (or the #probe=... fragment it prints). Without --plan, a page proposes its plan and
nothing runs until you type the code shown here beside the list of its targets.

Examples:
  portcheck serve --dir dist                        # the app and live checks on 127.0.0.1:8790
  portcheck serve --dir dist --plan plan.json       # run this plan only; proposals are refused
  portcheck serve --allow-origin https://portcheck.example.com   # live checks for the hosted page
  portcheck serve --allow-origin null               # live checks for the offline file:// bundle
  portcheck serve --dir dist --allow-origin https://docs.example.com --ca corporate-ca.pem
  portcheck serve --dir dist --bind 0.0.0.0 --expose --allow-host jumphost.corp.example:8790
                                                    # reachable from other machines (plain HTTP)";

const CHECK_EXAMPLES: &str = "\
Each check resolves the name, connects (directly, trying a name's IPv6 and IPv4 addresses the way
Palette's agents do: the next one after 250 ms, the first to answer wins; or with HTTP CONNECT
through the plan's proxy when NO_PROXY does not exempt the target; an http check sends its
request to the proxy instead), and for tls/grpc checks completes a TLS handshake and
reports the version, ALPN, the certificate chain as sent and whether it is trusted. A public
destination whose chain only verifies through a local CA is reported as TLS inspection. A grpc
check without HTTP/2 also tries Palette's fallback, a WebSocket upgrade over HTTP/1.1: that
request is the only application data any check sends. With a proxy, the report shows how
NO_PROXY routes each target, which routes look wrong, and where this machine's NO_PROXY differs.

Proxy credentials come from the environment only (HTTPS_PROXY=http://user:password@host:port,
percent-encoded as URLs are) and are never printed; they are sent only to that proxy. A plan's
proxy must be plain http:// with its port, and is contacted only if it is HTTPS_PROXY's proxy or
its port is allowed with --allow-port. Only targets in the plan are contacted, and only on ports
of Palette's rule base unless --allow-port adds one.

Exit status: 0 every check passed (warnings included); 1 some check failed; 2 the plan is
invalid or unreadable.

Examples:
  portcheck plan --answers answers.json --from workload > plan.json
  portcheck check --plan plan.json --site dc1-workload
  portcheck check --plan plan.json --ca corporate-ca.pem --format junit > portcheck.xml
  portcheck check --plan plan.json --site dc1 --format json > dc1.json   # for portcheck merge";

const KUBE_EXAMPLES: &str = "\
Writes one YAML stream: a namespace that enforces the restricted Pod Security Standard, the plan
in a ConfigMap, and a DaemonSet (a pod on every node the selector picks; each runs the plan once,
prints its report, and waits) or an indexed Job (COMPLETIONS pods that run the plan once and
exit). The pods run as a non-root user with a read-only root filesystem, no capabilities, no
privilege escalation, the runtime's seccomp profile, no service-account token, and CPU and memory
limits. Each report carries its node's name as its site; the stream's header says how to apply,
collect and remove it. The plan is checked like every plan (--allow-port for custom ports).

Exit status: 0 the manifests were written; 2 the plan or an option is unusable.

Examples:
  portcheck plan --answers answers.json --from workload > plan.json
  portcheck kube --plan plan.json --image registry.example.com/portcheck:0.1.0 > portcheck.yaml
  portcheck kube --plan plan.json --image IMAGE --node-selector node-role.kubernetes.io/worker= --host-network
  portcheck kube --plan plan.json --image IMAGE --mode job --completions 3
  kubectl logs -n portcheck -l app.kubernetes.io/name=portcheck --tail=-1 | portcheck merge -";

#[derive(Debug, Args)]
pub struct KubeArgs {
    /// Plan file (JSON) from `portcheck plan` or the app; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,

    /// The container image with portcheck in it (its entry point is not used).
    #[arg(long, value_name = "IMAGE")]
    pub image: String,

    #[arg(long, value_enum, default_value_t = KubeMode::Daemonset)]
    pub mode: KubeMode,

    /// Namespace to create and run in.
    #[arg(long, default_value = "portcheck", value_name = "NAME")]
    pub namespace: String,

    /// Run only on nodes with this label (repeatable), as key=value.
    #[arg(long = "node-selector", value_name = "KEY=VALUE")]
    pub node_selector: Vec<String>,

    /// Use the node's network (its addresses and routes) instead of the pod network.
    #[arg(long)]
    pub host_network: bool,

    /// Pods of the Job (--mode job).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub completions: u64,

    /// Also allow this port in the plan (repeatable), passed on to the pods' checks.
    #[arg(long = "allow-port", value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub allow_ports: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KubeMode {
    /// A pod on every (selected) node; each waits after its report.
    Daemonset,
    /// An indexed Job whose pods run the plan once.
    Job,
}

const MERGE_EXAMPLES: &str = "\
Reads the JSON reports of `portcheck check --format json` (one per file, or many in a row, as a
stream of JSON lines or concatenated documents) and shows each flow by place: a place is a
report's --site label, else its host name, else its file. Flows that fail somewhere come first,
with where and why. Reports of different plans are merged by flow id, and the report says so. A
damaged or foreign report is named on stderr and skipped; nothing else is lost.

Exit status: 0 no required flow failed anywhere; 1 a required flow failed somewhere; 2 no report
could be read.

Examples:
  portcheck merge dc1.json dc2.json edge-*.json
  kubectl logs -n portcheck -l app=portcheck | portcheck merge -
  portcheck merge reports/*.json --format markdown > fleet.md
  portcheck merge reports/*.json --format html > fleet.html";

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Report files (JSON) from `portcheck check --format json`; `-` reads standard input.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    #[arg(long, value_enum, default_value_t = MergeFormat::Text)]
    pub format: MergeFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MergeFormat {
    /// Flows by place, failures first, for terminals and e-mail.
    Text,
    /// A table of flows by place (a summary per flow beyond a dozen places).
    Markdown,
    /// The fleet matrix for scripts.
    Json,
    /// One self-contained page (no script, style inline) to mail or attach.
    Html,
}

const WATCH_EXAMPLES: &str = "\
Runs the plan's checks every --interval (the next run starts when the last one ends if the checks
take longer) and serves the latest result of each check at http://LISTEN/metrics in the
OpenMetrics text format, for Prometheus to scrape. A scrape never waits for a check: each result
is published as soon as its check ends, and a check still running shows its previous result.

Metrics (labels: site, role, flow, check, target, level = required or optional):
  portcheck_check_success                              1 passed (warnings included), 0 failed
  portcheck_check_verdict{verdict}                     1 for the verdict (pass, warn, fail), 0 for the others
  portcheck_check_failure_info{stage,summary}          where and why a failing check stopped
  portcheck_check_duration_seconds                     how long the last run of the check took
  portcheck_check_last_success_timestamp_seconds       when it last passed
  portcheck_check_tls_cert_expiry_timestamp_seconds    the earliest notAfter in the chain sent
  portcheck_check_tls_issuer_info{issuer}              who issued the certificate the server sent
  portcheck_check_tls_inspected                        1 when an internet destination's chain is
                                                       signed by a local CA (TLS inspection)
  portcheck_cycles_total, portcheck_cycle_duration_seconds,
  portcheck_last_cycle_end_timestamp_seconds, portcheck_watch_interval_seconds, portcheck_watch_info

Days until a certificate expires, in PromQL:
  (portcheck_check_tls_cert_expiry_timestamp_seconds - time()) / 86400
Alerting rules (a required flow failing, a certificate about to expire, a new TLS issuer or
inspection, results gone stale): probe/prometheus/portcheck.rules.yml.

It listens on loopback unless --expose says otherwise, answers only requests whose Host names it,
and contacts only the targets of its plan, checked like every plan.

Examples:
  portcheck plan --answers answers.json --from workload > plan.json
  portcheck watch --plan plan.json --site dc1-workload
  portcheck watch --plan plan.json --interval 5m --listen 127.0.0.1:9469 --ca corporate-ca.pem
  portcheck watch --plan plan.json --listen 10.0.4.7:9469 --expose     # scraped from another machine

Prometheus (prometheus.yml):
  scrape_configs:
    - job_name: portcheck
      static_configs: [{targets: [\"127.0.0.1:9469\"]}]";

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Plan file (JSON) from `portcheck plan` or the app; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,

    /// A label for where this runs, the `site` label of every metric (default: the host name).
    #[arg(long, value_name = "LABEL")]
    pub site: Option<String>,

    /// Time from the start of one run of the plan to the start of the next: 60s, 5m, 1h.
    // Read by `watch::interval` after parsing: clap's own error would echo a refused value raw.
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub interval: String,

    /// Address and port to serve /metrics on. Anything but a loopback address needs --expose.
    #[arg(long, default_value = "127.0.0.1:9469", value_name = "IP:PORT")]
    pub listen: std::net::SocketAddr,

    /// Allow --listen to name an address that is not loopback (metrics cross the network in
    /// plain HTTP and describe your network's flows).
    #[arg(long)]
    pub expose: bool,

    /// With --expose: a Host header to accept besides the listening address (repeatable), as
    /// Prometheus will write it, e.g. jumphost.corp.example:9469. Needed for 0.0.0.0 or ::.
    #[arg(long = "allow-host", value_name = "HOST:PORT", requires = "expose")]
    pub allow_hosts: Vec<String>,

    #[command(flatten)]
    pub checks: LiveCheckArgs,

    /// Checks run at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub parallel: u64,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Plan file (JSON) from `portcheck plan` or the app; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,

    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// A label for where this runs (a data centre, a subnet, an Edge location), written into
    /// the report beside the host name, so reports from many places can be merged and told
    /// apart.
    // Checked by `rules::report::site_label` after parsing: clap's own error would echo a
    // refused value raw, escape sequences and all.
    #[arg(long, value_name = "LABEL")]
    pub site: Option<String>,

    #[command(flatten)]
    pub checks: LiveCheckArgs,

    /// After the report, keep running until stopped (SIGTERM, Ctrl-C): what a Kubernetes
    /// DaemonSet's pods must do, their report in the log (`portcheck kube`).
    #[arg(long)]
    pub hold: bool,

    /// Checks run at once.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub parallel: u64,
}

/// How live checks run, the same for `check` and for the checks `serve` runs for the page.
#[derive(Debug, Args)]
pub struct LiveCheckArgs {
    /// PEM file with extra CA certificates to trust (a corporate or private CA).
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// Also allow this port in the plan (repeatable), for endpoints on custom ports.
    #[arg(long = "allow-port", value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..))]
    pub allow_ports: Vec<u16>,

    /// Seconds each check may take in all.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CheckFormat {
    /// A report for people; progress on stderr when it is a terminal.
    Text,
    /// Results by check id, for the app and scripts.
    Json,
    /// JUnit XML for CI systems.
    Junit,
}

const PLAN_EXAMPLES: &str = "\
A plan lists the connections that start where the probe runs (--from), each with the check it
needs: tcp (connect), tls (handshake, certificate chain, inspection) or grpc (TLS with ALPN h2,
and the WebSocket fallback). Flows that cannot be checked by connecting (UDP, networks, port
ranges) are listed under \"skipped\" with the reason. A probe connects only to targets in its plan.

Roles: admin, workload, pcg, management-plane, edge-host, edge-peers, palette (those with flows
in the checklist are accepted; an error lists them).

Exit status: 0 written; 2 invalid answers or a role with no flows.

Examples:
  portcheck plan --answers answers.json --from workload > workload-plan.json
  portcheck plan --answers answers.json --from pcg";

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Answer file (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// Where the probe runs: the role whose outgoing connections it checks.
    #[arg(long, value_name = "ROLE", value_parser = parse_role)]
    pub from: rules::Role,
}

fn parse_role(text: &str) -> Result<rules::Role, String> {
    text.parse()
}

const TICKET_EXAMPLES: &str = "\
Formats: markdown, text, jira, csv, json (the change request); iptables, nftables, aws-cli,
terraform, azure, gcp, network-policy (rules by address); squid, aws-network-firewall, cilium
(allowlists by name).

Every requested flow is a rule or a comment that names it. Rules open required flows; optional
ones only with --include optional; flows older Palette versions used are listed for removal.
A flow through the outbound proxy is opened from the proxy, not from its source (the source's
rule to the proxy is its own flow); the squid format is the proxy's allowlist by name.
Addresses you have not given and DNS names become lists to fill in at the top of the file
(nothing is resolved for you); *.spectrocloud.com names use Palette SaaS's documented addresses.

iptables is a script that replaces only its own chain and jumps to it once (sh FILE --test
checks it); nftables defines a chain and sets in your firewall's table (inet filter); both
give the same ruleset when applied twice.

Exit status: 0 written; 2 invalid answers or ticket info (errors on stderr).

Examples:
  portcheck ticket --answers answers.json --format markdown > ticket.md
  portcheck ticket --answers answers.json --info ticket-info.json --format csv > rules.csv
  portcheck ticket --answers answers.json --evidence dc1.json dc2.json > ticket.md   # reports of portcheck check
  portcheck ticket --answers answers.json --format iptables --mode host > palette.sh && sh palette.sh --test
  portcheck ticket --answers answers.json --format nftables --include optional > palette.nft && nft -c -f palette.nft
  portcheck ticket --answers answers.json --format squid > /etc/squid/conf.d/palette.conf

ticket-info.json holds what only you know (all optional):
  {\"title\": \"...\", \"requester\": \"...\", \"team\": \"...\", \"contact\": \"...\",
   \"change-window\": \"...\", \"review-date\": \"...\", \"risk-notes\": \"...\",
   \"rollback\": \"...\", \"already-open\": [\"flow-id\", ...],
   \"include-optional\": false, \"firewall-mode\": \"router\" | \"host\"}
--include and --mode override the last two.";

#[derive(Debug, Args)]
pub struct TicketArgs {
    /// Answer file (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// Output format (see below).
    #[arg(long, value_parser = parse_format, default_value = "markdown")]
    pub format: rules::ticket::Format,

    /// Ticket fields only you know: title, requester, change window... (JSON).
    #[arg(long, value_name = "FILE")]
    pub info: Option<PathBuf>,

    /// Also open the optional flows (`optional`); by default they are listed, not opened.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub include: Option<IncludeLevel>,

    /// Where the iptables and nftables rules take effect: `router` (forwarded traffic, the
    /// default) or `host` (the node's own traffic).
    #[arg(long, value_parser = parse_mode, value_name = "MODE")]
    pub mode: Option<rules::ticket::FirewallMode>,

    /// Check reports (`portcheck check --format json`, `-` for standard input) whose failures
    /// go into the ticket as evidence, each place that saw a flow fail in turn.
    #[arg(long, value_name = "REPORT", num_args = 1..)]
    pub evidence: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IncludeLevel {
    /// Required and optional flows.
    Optional,
}

fn parse_mode(text: &str) -> Result<rules::ticket::FirewallMode, String> {
    text.parse()
}

fn parse_format(text: &str) -> Result<rules::ticket::Format, String> {
    text.parse()
}

const CHECKLIST_EXAMPLES: &str = "\
Exit status: 0 the checklist was printed; 2 the answers are invalid (one error per field on
stderr) or the file cannot be read.

Examples:
  portcheck checklist --answers rules/examples/saas-vsphere-pcg.json
  portcheck checklist --answers answers.json --format markdown > checklist.md
  portcheck checklist --answers answers.json --format json | jq '.flows[].id'

Answer files are described in rules/examples/README.md.";

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Answer file (JSON) as saved by the app or written by hand; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    #[arg(long, value_enum, default_value_t = ChecklistFormat::Text)]
    pub format: ChecklistFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ChecklistFormat {
    /// Plain text for terminals and e-mail.
    Text,
    /// Markdown tables, one per group of flows.
    Markdown,
    /// The stable JSON form documented in rules/CHECKLIST.md.
    Json,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder holding the built app (index.html and its assets). It is read at start: only the
    /// files there then are served (no links, no hidden files), and the hashes of index.html's
    /// inline scripts make the page's Content-Security-Policy, so restart the probe after
    /// rebuilding the app. Without it, the probe serves live checks only, for the pages
    /// --allow-origin names (a downloaded probe, used from the hosted page or the offline file).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// TCP port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8790)]
    pub port: u16,

    /// Address to listen on. Anything but a loopback address exposes the app to your network and
    /// needs --expose.
    #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
    pub bind: IpAddr,

    /// Allow --bind to name an address that is not loopback.
    #[arg(long)]
    pub expose: bool,

    /// With --expose: a Host header to accept besides the bound address (repeatable), as other
    /// machines will write it, e.g. jumphost.corp.example:8790. Needed when --bind is 0.0.0.0 or
    /// ::, which no client writes.
    #[arg(long = "allow-host", value_name = "HOST:PORT", requires = "expose")]
    pub allow_hosts: Vec<String>,

    /// Also accept WebSocket connections from pages of this origin (repeatable), e.g. the docs
    /// site https://docs.example.com; `null` accepts the offline file:// bundle. The probe's own
    /// origin is always accepted. Every connection also needs the token.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,

    /// The plan the app may run here (from `portcheck plan`); the page can only run its checks.
    /// Without it the page may propose a plan, which runs only once you confirm its targets
    /// here on the terminal.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    #[command(flatten)]
    pub checks: LiveCheckArgs,

    /// WebSocket connections at once; more are refused with 503.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub max_connections: u64,

    /// Seconds a WebSocket session may stay silent before the probe closes it.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(5..=3600))]
    pub idle_timeout: u64,
}
