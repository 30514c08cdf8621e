"""One private worker host for bench/heal-time, all on one loopback address: foo installed as an operator
would (scripts, launcher, jar, foo.conf), a listener configuration, a private xinetd starting the
command-listener for Nagios' event handler, a private Nagios 4 at the stock interval_length of 60 s with the
shipped nagios-config/nagios templates unchanged, and the local watch (command-listener --watch).

Every process it starts is stopped by its pid in close(); nothing in /etc is touched.
"""

import http.client
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time

PLUGINS = "/usr/lib/nagios/plugins"


def free_port(address):
    with socket.socket() as s:
        s.bind((address, 0))
        return s.getsockname()[1]


def wait_for(seconds, what, predicate, step=0.1):
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %s s waiting for %s" % (seconds, what))
        time.sleep(step)


def alive(pid):
    """Not exited: a zombie has exited."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def stop_pid(pid, grace=5.0):
    """TERM, then KILL after grace seconds."""
    if not pid or not alive(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class AuditRecord:
    """One line of the listener's audit log: time, pid, id, phase, peer, request, decision, ..., reply."""

    FIELD = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)')

    def __init__(self, line):
        self.line = line
        self.time = line.split(" ", 1)[0]
        self.fields = {k: v.strip('"') for k, v in self.FIELD.findall(line)}

    def get(self, key):
        return self.fields.get(key, "")

    def is_restart_run(self):
        """An outcome record of a foo-restart script that ran, whatever its end."""
        reply = self.get("reply")
        return (self.get("phase") == "outcome" and self.get("request") == "foo-restart"
                and (reply.startswith("OK foo-restart exit=") or reply.startswith("ERR failed foo-restart")
                     or reply.startswith("ERR timeout foo-restart")))

    def epoch(self):
        """The record's UTC time as seconds since the epoch."""
        text = self.time.rstrip("Z")
        whole, _, frac = text.partition(".")
        return time.mktime(time.strptime(whole, "%Y-%m-%dT%H:%M:%S")) - time.timezone + float("0." + (frac or "0"))


class Site:
    """The private host. dir must be absent or empty; repo is the checkout whose built parts run."""

    def __init__(self, repo, dir, address, foo_opts, listener_changes):
        self.repo = repo
        self.dir = os.path.abspath(dir)
        self.address = address
        self.foo_opts = foo_opts
        self.port = free_port(address)
        self.listener_port = free_port(address)
        while self.listener_port == self.port:
            self.listener_port = free_port(address)
        self.bin = os.path.join(self.dir, "foo/bin")
        self.foo_home = os.path.join(self.dir, "foo/home")
        self.config = os.path.join(self.dir, "listener/listener.properties")
        self.audit = os.path.join(self.dir, "listener/audit.log")
        self.watch_log = os.path.join(self.dir, "watch.log")
        self.var = os.path.join(self.dir, "nagios/var")
        self.status_file = os.path.join(self.var, "status.dat")
        self.command_file = os.path.join(self.var, "rw/nagios.cmd")
        self.listener = os.path.join(repo, "command-listener/bin/command-listener")
        self.xinetd = self.nagios = self.watch = None
        self.listener_changes = listener_changes
        self.listener_keys = {}
        self.foo_conf = {}

    # --- installation -------------------------------------------------------------------------------------
    def install(self):
        for part in ("check-worker/target/check-worker.jar", "command-listener/target/command-listener.jar",
                     "demo-worker/target/demo-worker.jar"):
            if not os.access(os.path.join(self.repo, part), os.R_OK):
                raise SystemExit("heal-time: %s missing: run mvn -B -q package -DskipTests first" % part)
        if os.path.exists(self.dir) and os.listdir(self.dir):
            raise SystemExit("heal-time: %s is not empty" % self.dir)
        for sub in ("foo/bin", "foo/home", "listener/state", "xinetd", "nagios/etc", "nagios/plugins",
                    "nagios/var/rw", "nagios/var/checkresults"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        # The listener runs only scripts root owns that no group or other may write, nor any directory above.
        for sub in ("", "foo", "foo/bin", "listener", "nagios", "nagios/etc", "nagios/plugins"):
            os.chmod(os.path.join(self.dir, sub), 0o755)
        os.chmod(os.path.join(self.dir, "listener/state"), 0o700)
        for script in ("start.sh", "stop.sh", "restart.sh", "common.sh"):
            shutil.copy(os.path.join(self.repo, "demo-worker/scripts", script), self.bin)
        shutil.copy(os.path.join(self.repo, "demo-worker/bin/foo"), self.bin)
        shutil.copy(os.path.join(self.repo, "launcher/launch.sh"), self.bin)
        for program in ("start.sh", "stop.sh", "restart.sh", "foo", "launch.sh"):
            os.chmod(os.path.join(self.bin, program), 0o755)
        os.chmod(os.path.join(self.bin, "common.sh"), 0o644)
        os.symlink(os.path.join(self.repo, "demo-worker/target/demo-worker.jar"),
                   os.path.join(self.bin, "demo-worker.jar"))
        self.write_foo_conf(self.foo_opts)
        self.write_listener_config({})
        open(self.audit, "a").close()
        self.install_xinetd()
        self.install_nagios()

    def write_foo_conf(self, opts, start_timeout=10):
        """foo.conf beside the scripts; restart.sh reads it at each run. FOO_STOP_GRACE 3 + 5 +
        FOO_START_TIMEOUT must stay under the listener's timeout for foo-restart."""
        self.foo_conf = {"FOO_HOME": self.foo_home, "FOO_PORT": self.port, "FOO_BIND": self.address,
                         "FOO_OPTS": opts, "FOO_START_TIMEOUT": start_timeout, "FOO_STOP_GRACE": 3}
        with open(os.path.join(self.bin, "foo.conf"), "w") as f:
            f.writelines("%s=%s\n" % kv for kv in self.foo_conf.items())

    def write_listener_config(self, changes):
        """The shipped defaults (timeout 20, settle 120, budget 3/15m as in the example) plus changes; a key
        whose value is None is left out."""
        keys = {
            "allow": "127.0.0.0/8",
            "state.dir": os.path.join(self.dir, "listener/state"),
            "audit.log": self.audit,
            "read.timeout": "5",
            "command.foo-restart": os.path.join(self.bin, "restart.sh"),
            "command.foo-restart.budget": "3/15m",
            "command.foo-stop": os.path.join(self.bin, "stop.sh"),
            "command.foo-stop.timeout": "15",
            "command.foo-start": os.path.join(self.bin, "start.sh"),
            "watch.foo.url": "http://%s:%d/health" % (self.address, self.port),
            "watch.foo.heal": "foo-restart",
        }
        keys.update(self.listener_changes)
        keys.update(changes)
        self.listener_keys = {k: v for k, v in keys.items() if v is not None}
        self._write_properties(self.config, self.listener_keys)

    @staticmethod
    def _write_properties(path, keys):
        with open(path + ".new", "w") as f:
            f.writelines("%s = %s\n" % kv for kv in keys.items())
        os.chmod(path + ".new", 0o600)
        os.replace(path + ".new", path)

    def install_xinetd(self):
        with open(os.path.join(self.dir, "xinetd/xinetd.conf"), "w") as f:
            f.write("""service selfheal-heal-time
{
    type            = UNLISTED
    port            = %d
    bind            = %s
    socket_type     = stream
    protocol        = tcp
    user            = root
    server          = %s
    server_args     = --config %s
    wait            = no
    only_from       = 127.0.0.0/8
    instances       = 10
    per_source      = 6
    passenv         =
    log_on_success  = PID HOST EXIT DURATION
    log_on_failure  = HOST ATTEMPT
    umask           = 077
    disable         = no
}
""" % (self.listener_port, self.address, self.listener, self.config))

    def install_nagios(self):
        etc = os.path.join(self.dir, "nagios/etc")
        plugins = os.path.join(self.dir, "nagios/plugins")
        config = os.path.join(self.repo, "nagios-config")
        os.symlink(os.path.join(self.repo, "check-worker/bin/check_worker"), os.path.join(plugins, "check_worker"))
        os.symlink(os.path.join(self.repo, "check-worker/bin/check_listener"), os.path.join(plugins, "check_listener"))
        os.symlink(os.path.join(config, "selfheal-event-handler"), os.path.join(plugins, "selfheal-event-handler"))
        os.symlink(os.path.join(PLUGINS, "check_dummy"), os.path.join(plugins, "check_dummy"))
        with open(os.path.join(etc, "resource.cfg"), "w") as f:
            f.write("$USER1$=%s\n" % plugins)
        # The site's own objects, as generic as Debian's examples; the selfheal templates come first in use.
        with open(os.path.join(etc, "site.cfg"), "w") as f:
            f.write("""define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    heal-time-notify-nobody
    command_line    /bin/true
}
define command {
    command_name    heal-time-host-up
    command_line    $USER1$/check_dummy 0 up
}
define contact {
    contact_name                    nobody
    alias                           nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      heal-time-notify-nobody
    service_notification_commands   heal-time-notify-nobody
}
define contactgroup {
    contactgroup_name   admins
    alias               nobody at all
    members             nobody
}
define service {
    name                    generic-service
    register                0
    check_period            24x7
    notification_period     24x7
    contact_groups          admins
    notifications_enabled   0
    flap_detection_enabled  0
    max_check_attempts      3
    check_interval          10
    retry_interval          2
}
define host {
    host_name               foo-host
    alias                   the worker host
    address                 %s
    check_command           heal-time-host-up
    max_check_attempts      1
    check_interval          5
    check_period            24x7
    notification_period     24x7
    contact_groups          admins
    notifications_enabled   0
}
define service {
    use                     selfheal-worker-service,generic-service
    host_name               foo-host
    service_description     foo worker
    _WORKER_PORT            %d
    _HEAL_COMMAND           foo-restart
    _LISTENER_PORT          %d
    _HEAL_LOG               %s/selfheal-heal.log
}
define service {
    use                     selfheal-listener-service,generic-service
    host_name               foo-host
    service_description     selfheal listener
    _LISTENER_PORT          %d
}
""" % (self.address, self.port, self.listener_port, self.var, self.listener_port))
        v = self.var
        # Debian's nagios.cfg values where they matter for timing (interval_length 60, reaper 10 s, status
        # every 10 s, service_check_timeout 60, event_handler_timeout 30); only the first checks are not
        # spread over 30 minutes (max_service_check_spread 1 minute), and every path is private.
        with open(os.path.join(etc, "nagios.cfg"), "w") as f:
            f.write("\n".join([
                "cfg_file=%s/site.cfg" % etc,
                "cfg_file=%s/nagios/selfheal-commands.cfg" % config,
                "cfg_file=%s/nagios/selfheal-templates.cfg" % config,
                "resource_file=%s/resource.cfg" % etc,
                "log_file=%s/nagios.log" % v, "object_cache_file=%s/objects.cache" % v,
                "precached_object_file=%s/objects.precache" % v, "status_file=%s" % self.status_file,
                "command_file=%s" % self.command_file, "query_socket=%s/rw/nagios.qh" % v,
                "lock_file=%s/nagios.lock" % v, "temp_file=%s/nagios.tmp" % v, "temp_path=%s" % v,
                "check_result_path=%s/checkresults" % v, "state_retention_file=%s/retention.dat" % v,
                "retain_state_information=0", "debug_file=%s/nagios.debug" % v, "debug_level=0",
                "nagios_user=nagios", "nagios_group=nagios", "use_syslog=0", "check_for_updates=0",
                "bare_update_check=1", "log_initial_states=1", "log_event_handlers=1", "log_service_retries=1",
                "enable_notifications=0", "enable_event_handlers=1", "enable_flap_detection=0",
                "check_external_commands=1",
                "interval_length=60", "check_result_reaper_frequency=10", "status_update_interval=10",
                "max_service_check_spread=1", "max_host_check_spread=1",
                "service_check_timeout=60", "event_handler_timeout=30",
                "illegal_macro_output_chars=`~$&|'\"<>", ""]))
        open(os.path.join(v, "selfheal-heal.log"), "w").close()
        subprocess.run(["chown", "-R", "nagios:nagios", v], check=True)
        subprocess.run(["chmod", "-R", "a+rX", etc, plugins], check=True)

    # --- processes ----------------------------------------------------------------------------------------
    def start(self):
        out = self.operator_script("start.sh")
        if "foo started" not in out:
            raise SystemExit("heal-time: foo did not start: " + out)
        xlog = os.path.join(self.dir, "xinetd/xinetd.log")
        self.xinetd = subprocess.Popen(
            ["/usr/sbin/xinetd", "-dontfork", "-f", os.path.join(self.dir, "xinetd/xinetd.conf"),
             "-pidfile", os.path.join(self.dir, "xinetd/xinetd.pid"), "-filelog", xlog],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for(20, "xinetd", lambda: "Started working" in _read(xlog))
        cfg = os.path.join(self.dir, "nagios/etc/nagios.cfg")
        verify = subprocess.run(["/usr/sbin/nagios4", "-v", cfg], capture_output=True, text=True)
        if verify.returncode != 0:
            raise SystemExit("heal-time: nagios4 -v refused the configuration:\n" + verify.stdout[-3000:])
        self.nagios = subprocess.Popen(["/usr/sbin/nagios4", cfg], stdin=subprocess.DEVNULL,
                                       stdout=open(os.path.join(self.var, "nagios.out"), "w"),
                                       stderr=subprocess.STDOUT)

    def start_watch(self):
        """command-listener --watch, as the launcher runs it; returns once it watches foo."""
        before = _read(self.watch_log).count("foo: watching http")
        self.watch = subprocess.Popen([self.listener, "--watch", "--config", self.config],
                                      stdin=subprocess.DEVNULL, stdout=open(self.watch_log, "a"),
                                      stderr=subprocess.STDOUT, preexec_fn=hangup_default)
        wait_for(60, "the watch to start",
                 lambda: _read(self.watch_log).count("foo: watching http") > before or self.watch.poll() is not None)
        if self.watch.poll() is not None:
            raise SystemExit("heal-time: the watch exited: " + _read(self.watch_log)[-2000:])

    def stop_watch(self):
        if self.watch is not None:
            stop_pid(self.watch.pid)
            self.watch.wait()
            self.watch = None

    def reload_watch(self):
        """SIGHUP, until the watch logs its reload (at most 3 times, 20 s each); returns the signals sent."""
        before = _read(self.watch_log).count("reload")
        for sent in range(1, 4):
            os.kill(self.watch.pid, signal.SIGHUP)
            try:
                wait_for(20, "the watch to reload", lambda: _read(self.watch_log).count("reload") > before)
                return sent
            except TimeoutError:
                pass
        raise TimeoutError("the watch logged no reload after 3 SIGHUPs, 20 s apart")

    def close(self):
        for p in (self.watch, self.nagios, self.xinetd):
            if p is not None:
                stop_pid(p.pid)
                p.wait()
        stop_pid(self.foo_pid())
        # Whatever else runs from this directory (a restart script in flight, a foo it started), by pid.
        for pid in _pids_naming(self.dir):
            stop_pid(pid, grace=2)

    # --- requests and scripts -----------------------------------------------------------------------------
    def operator_script(self, script):
        """One of foo's scripts as the operator runs it on the host (no listener, no audit record)."""
        p = subprocess.run([os.path.join(self.bin, script)], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=120)
        return p.stdout + p.stderr

    def operator_request(self, line):
        """A request as the local operator sends it on the host: the listener with the line on stdin. It
        takes the group's lock like any heal (a heal running meanwhile answers it ERR busy) and is audited
        with peer=local."""
        p = subprocess.run([self.listener, "--config", self.config], input=line + "\n", capture_output=True,
                           text=True, timeout=120)
        return p.stdout.strip()

    def reset(self, name="foo-restart"):
        """command-listener --reset NAME: re-opens the budget and clears the settle."""
        p = subprocess.run([self.listener, "--config", self.config, "--reset", name], stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
        if not p.stdout.startswith("OK"):
            raise SystemExit("heal-time: --reset %s answered %r %r" % (name, p.stdout, p.stderr))

    def nagios_command(self, line):
        with open(self.command_file, "w") as f:
            f.write("[%d] %s\n" % (time.time(), line))

    # --- foo ----------------------------------------------------------------------------------------------
    def foo_pid(self):
        try:
            with open(os.path.join(self.foo_home, "foo.pid")) as f:
                text = f.read().strip()
            return int(text) if text.isdigit() else 0
        except OSError:
            return 0

    def kill_foo(self):
        pid = self.foo_pid()
        if not alive(pid):
            raise RuntimeError("foo is not running")
        os.kill(pid, signal.SIGKILL)
        return pid

    def fault(self, name, content=""):
        with open(os.path.join(self.foo_home, "fault-" + name), "w") as f:
            f.write(content)

    def http_status(self, timeout=2.0):
        conn = http.client.HTTPConnection(self.address, self.port, timeout=timeout)
        try:
            conn.request("GET", "/health")
            return conn.getresponse().status
        except OSError:
            return 0
        finally:
            conn.close()

    def answers_ok(self, not_pid):
        """A new foo (not not_pid) running and answering HTTP 200."""
        pid = self.foo_pid()
        return pid > 0 and pid != not_pid and alive(pid) and self.http_status() == 200

    # --- records ------------------------------------------------------------------------------------------
    def audit_records(self):
        return [AuditRecord(line) for line in _read(self.audit).splitlines() if line.strip()]

    def restart_runs(self, since_line=0):
        """Outcome records of foo-restart runs after audit line since_line, by peer."""
        runs = {}
        for record in self.audit_records()[since_line:]:
            if record.is_restart_run():
                peer = record.get("peer")
                peer = "nagios" if peer.startswith("127.") else peer
                runs[peer] = runs.get(peer, 0) + 1
        return runs

    def audit_length(self):
        return len(self.audit_records())

    def watch_log_text(self):
        return _read(self.watch_log)

    def services(self):
        """status.dat: service_description -> its fields."""
        blocks = {}
        block = None
        for line in _read(self.status_file).splitlines():
            if line.startswith("servicestatus {"):
                block = {}
            elif block is not None and line.strip() == "}":
                blocks[block.get("service_description", "")] = block
                block = None
            elif block is not None and "=" in line:
                key, _, value = line.strip().partition("=")
                block[key] = value
        return blocks


def hangup_default():
    """SIGHUP back to its default in a child: a JVM started with SIGHUP ignored (under nohup, say) keeps it
    ignored, and the watch would never reload."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _ancestors():
    """This process and its parents: the shell or timeout that started it names the directory too."""
    pids, pid = set(), os.getpid()
    while pid > 1:
        pids.add(pid)
        with open("/proc/%d/stat" % pid) as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    return pids


def _pids_naming(text):
    """Processes whose command line names text, but not this process nor those that started it."""
    pids, ours = [], _ancestors()
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in ours:
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as f:
                    if text.encode() in f.read():
                        pids.append(int(entry))
            except OSError:
                pass
    return pids


def proc_cpu_seconds(pid):
    """utime + stime of a process, seconds (/proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_memory_kib(pid):
    """VmRSS and VmHWM of a process, KiB (/proc/PID/status)."""
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def jitter(seconds, rng=random.Random()):
    return rng.uniform(0, seconds)
