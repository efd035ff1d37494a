//! Network namespaces of this test process, for tests that need a kernel of their own: the
//! firewall outputs applied on a router, dual-stack paths with one family black-holed. Needs
//! root, as CI has.

use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A network namespace of this test process, removed when dropped.
pub struct Netns(pub String);

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A number no other namespace or interface of this process has.
pub fn unique() -> usize {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Netns {
    pub fn new(role: &str) -> Netns {
        let name = format!("pp{}{role}{}", std::process::id(), unique());
        ok(
            Command::new("ip")
                .args(["netns", "add", &name])
                .output()
                .unwrap(),
            "ip netns add (the firewall tests need root)",
        );
        let ns = Netns(name);
        ns.run("ip link set lo up");
        ns
    }

    /// The hosts file programs run with `command` read (`ip netns exec` bind-mounts
    /// /etc/netns/NAME/hosts); removed when the returned guard drops.
    pub fn hosts(&self, lines: &str) -> HostsFile {
        let dir = std::path::PathBuf::from("/etc/netns").join(&self.0);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("hosts"), lines).unwrap();
        HostsFile(dir)
    }

    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.0, program]);
        c
    }

    /// Runs a shell command in the namespace; it must succeed.
    pub fn run(&self, script: &str) -> String {
        ok(
            self.command("sh").args(["-c", script]).output().unwrap(),
            script,
        )
    }

    pub fn spawn(&self, script: &str) -> Child {
        self.command("sh")
            .args(["-c", &format!("exec {script}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// Whether a TCP connection from `source` to `target` port `port` is accepted within a second.
    pub fn connects(&self, source: &str, target: &str, port: u16) -> bool {
        self.connects_within(source, target, port, 1)
    }

    pub fn connects_within(&self, source: &str, target: &str, port: u16, seconds: u32) -> bool {
        let (family, target) = if target.contains(':') {
            ("TCP6", format!("[{target}]"))
        } else {
            ("TCP4", target.to_owned())
        };
        let source = if source.contains(':') {
            format!("[{source}]")
        } else {
            source.to_owned()
        };
        self.command("socat")
            .args([
                "-u",
                "OPEN:/dev/null",
                &format!("{family}:{target}:{port},bind={source},connect-timeout={seconds}"),
            ])
            .stderr(Stdio::null())
            .status()
            .unwrap()
            .success()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Listeners that live as long as the test.
pub struct Servers(pub Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A namespace's hosts file, removed when the test ends, even after a failed assertion.
pub struct HostsFile(std::path::PathBuf);

impl Drop for HostsFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
