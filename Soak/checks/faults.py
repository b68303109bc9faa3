"""Faults on a real connection: sshd killed mid-command, mid-get and mid-put, the agent killed, the
client killed, the server stalled, the remote disk full. Each must end with a clear error, leave no
remote process behind and no file under its final name, and leave a recording that replay reads."""

import os
import signal
import subprocess
import time

from . import procs

SLEEP_SECONDS = "9871"  # an odd duration, so the command is recognisable in the process table


def _remote_processes(context):
    """Agents and commands under the throwaway sshd (everything of the connection that is not sshd)."""
    return [pid for pid, name in procs.descendants(context.listener_pid) if name != "sshd"]


def _session_processes(context):
    return [pid for pid, name in procs.descendants(context.listener_pid) if name == "sshd"]


def _one_line_error(child, code=255):
    problems = child.ended_cleanly()
    lines = child.stderr_lines()
    if child.returncode != code:
        problems.append(f"exit status {child.returncode}, expected {code}")
    if len(lines) != 1:
        problems.append(f"{len(lines)} lines on stderr, expected one: {lines[:4]}")
    return problems


def _recording_problems(context, recording, expect_output):
    """The recording must read up to the fault: verify names the cut, not a malformed record."""
    problems = []
    if not os.path.exists(recording):
        return [f"no recording at {recording}"]
    verify = procs.run([context.mproxy, "replay", "--verify", recording], 30)
    text = (verify.stdout + verify.stderr).decode("utf-8", "replace").strip()
    if verify.timed_out or verify.returncode not in (0, 1):
        problems.append(f"replay --verify: status {verify.returncode}: {text}")
    elif verify.returncode == 1 and "cut short" not in text:
        problems.append(f"replay --verify found a problem other than the cut: {text}")
    if expect_output:
        replay = procs.run([context.mproxy, "replay", "--speed", "max", recording], 30)
        if b"ready" not in replay.stdout:
            problems.append(f"replay does not show the output written before the fault: {bytes(replay.stdout[:80])!r}")
    return problems


def _start_command(context, name, config=None):
    recording = os.path.join(context.work, f"{name}.cbor")
    child = procs.Child(
        [context.mproxy, "exec", "-F", config or context.ssh_config, "--agent", context.agent, "--record", recording,
         "mproxy-demo", "--", "sh", "-c", f"echo ready; exec sleep {SLEEP_SECONDS}"],
        stdin=subprocess.DEVNULL)
    if not child.wait_for_output(b"ready", 60):
        child.kill()
        raise RuntimeError(f"the command did not start: {child.stderr_lines()[-3:]}")
    return child, recording


def _finish_command_fault(context, results, name, child, remote, recording, expect_error=True, expect_output=True):
    problems = []
    if expect_error:
        if not child.wait(30):
            problems.append("mproxy exec still running 30 s after the fault")
            child.kill()
        else:
            problems += _one_line_error(child)
    left = procs.wait_gone(remote, 10)
    if left:
        problems.append(f"remote processes still running 10 s after the fault: {_describe(left)}")
        procs.kill_all(left)
    problems += _recording_problems(context, recording, expect_output)
    error = child.stderr_lines()[-1] if child.stderr_lines() else "(killed)"
    results.check(name, problems, f"exit {child.returncode}, {error!r}; remote processes gone; recording read to the cut")


def _describe(pids):
    table = procs.table()
    return ", ".join(f"{pid} {table[pid][1]}" for pid in pids if pid in table)


def sshd_killed_mid_command(context, results):
    child, recording = _start_command(context, "sshd-killed")
    remote = _remote_processes(context)
    procs.kill_all(_session_processes(context))
    _finish_command_fault(context, results, "fault: sshd killed mid-command", child, remote, recording)


def agent_killed(context, results):
    child, recording = _start_command(context, "agent-killed")
    remote = _remote_processes(context)
    agents = [pid for pid, name in procs.descendants(context.listener_pid) if name == "mproxy-agent"]
    procs.kill_all(agents)
    _finish_command_fault(context, results, "fault: agent killed with SIGKILL", child, remote, recording)


def client_killed(context, results):
    child, recording = _start_command(context, "client-killed")
    remote = _remote_processes(context)
    child.kill()
    _finish_command_fault(
        context, results, "fault: client killed with SIGKILL", child, remote, recording, expect_error=False,
        expect_output=False)


def server_stalled(context, results):
    config = os.path.join(context.work, "ssh_config-keepalive")
    with open(context.ssh_config) as source, open(config, "w") as target:
        target.write(source.read() + "    ServerAliveInterval 1\n    ServerAliveCountMax 2\n")
    child, recording = _start_command(context, "server-stalled", config)
    remote = _remote_processes(context)
    sessions = _session_processes(context)
    procs.kill_all(sessions, signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        ended = child.wait(30)
        took = time.monotonic() - stopped
    finally:
        procs.kill_all(sessions, signal.SIGCONT)
    if not ended:
        child.kill()
        results.record("fault: server stalled (SIGSTOP)", False, "mproxy exec still running 30 s into the stall")
        procs.kill_all(procs.wait_gone(remote, 10))
        return
    _finish_command_fault(context, results, f"fault: server stalled (SIGSTOP), noticed in {took:.1f} s", child, remote,
                          recording)


def _transfer_fault(context, results, name, direction):
    """Kills sshd once the partial file of a get or put holds some data."""
    base = os.path.join(context.work, f"{direction}-killed")
    source_directory, target_directory = os.path.join(base, "from"), os.path.join(base, "to")
    os.makedirs(source_directory)
    os.makedirs(target_directory)
    source, target = os.path.join(source_directory, "big"), os.path.join(target_directory, "big")
    with open(source, "wb") as file:
        file.truncate(8 << 30)  # sparse: read fast, costs no disk
    partial = os.path.join(target_directory, ".big.mproxy-part")
    child = procs.Child(
        [context.mproxy, "fs", "-q", "-F", context.ssh_config, "--agent", context.agent, "mproxy-demo", direction,
         source, target], stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.process.poll() is None:
        if os.path.exists(partial) and os.path.getsize(partial) > (1 << 20):
            break
        time.sleep(0.005)
    problems = []
    remote = _remote_processes(context)
    if child.process.poll() is not None or not os.path.exists(partial):
        problems.append(f"the transfer was not under way to kill it (status {child.process.poll()})")
    procs.kill_all(_session_processes(context))
    if not child.wait(30):
        problems.append(f"mproxy fs {direction} still running 30 s after the fault")
        child.kill()
    problems += child.ended_cleanly()
    lines = child.stderr_lines()
    if child.returncode == 0 or not lines:
        problems.append(f"status {child.returncode} with stderr {lines[:3]}: expected a failure with a reason")
    if len(lines) > 2:
        problems.append(f"{len(lines)} lines of errors, expected one or two: {lines[:4]}")
    if os.path.exists(target):
        problems.append(f"a half-written file exists under the final name ({os.path.getsize(target)} bytes)")
    left = procs.wait_gone(remote, 10)
    if left:
        problems.append(f"remote processes still running 10 s after the fault: {_describe(left)}")
        procs.kill_all(left)
    copied = os.path.getsize(partial) if os.path.exists(partial) else 0
    results.check(name, problems,
                  f"exit {child.returncode}, {lines[-1] if lines else ''!r}; {copied >> 20} MiB left in the partial file only")
    subprocess.run(["rm", "-rf", base])


def sshd_killed_mid_get(context, results):
    _transfer_fault(context, results, "fault: sshd killed mid-get", "get")


def sshd_killed_mid_put(context, results):
    _transfer_fault(context, results, "fault: sshd killed mid-put", "put")


def disk_full(context, results):
    name = "fault: remote disk full (8 MiB tmpfs)"
    mount_point = os.path.join(context.work, "full")
    os.makedirs(mount_point)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "soak-full", mount_point],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        results.record(name, False, f"not run: cannot mount a tmpfs here ({mounted.stderr.strip() or mounted.returncode})")
        return
    try:
        source = os.path.join(context.work, "sixteen-mib")
        with open(source, "wb") as file:
            file.write(os.urandom(16 << 20))
        target = os.path.join(mount_point, "big")
        child = procs.run(
            [context.mproxy, "fs", "-q", "-F", context.ssh_config, "--agent", context.agent, "mproxy-demo", "put",
             source, target], 60)
        problems = child.ended_cleanly()
        lines = child.stderr_lines()
        if child.timed_out:
            problems.append("mproxy fs put still running after 60 s")
        if child.returncode != 1 or len(lines) != 1 or "No space left on device" not in lines[0]:
            problems.append(f"status {child.returncode}, stderr {lines[:3]}: expected 1 and one line naming ENOSPC")
        if os.path.exists(target):
            problems.append("a file exists under the final name")
        left = procs.wait_gone(_remote_processes(context), 10)
        if left:
            problems.append(f"remote processes still running: {_describe(left)}")
        results.check(name, problems, f"exit {child.returncode}, {lines[0] if lines else ''!r}; nothing under the final name")
    finally:
        subprocess.run(["umount", mount_point])


ALL = [sshd_killed_mid_command, agent_killed, client_killed, server_stalled, sshd_killed_mid_get, sshd_killed_mid_put,
       disk_full]
