"""Processes seen through /proc: trees, states, memory; and running a child with a deadline."""

import os
import signal
import subprocess
import tempfile
import threading
import time


def table():
    """pid -> (parent pid, command name, state) for every process."""
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        result[int(entry)] = (int(fields[1]), name, fields[0])
    return result


def descendants(root):
    """Live (not zombie) descendants of root: list of (pid, name)."""
    processes = table()
    children = {}
    for pid, (parent, name, state) in processes.items():
        if state != "Z":
            children.setdefault(parent, []).append((pid, name))
    found, queue = [], [root]
    while queue:
        for pid, name in children.get(queue.pop(), []):
            found.append((pid, name))
            queue.append(pid)
    return found


def alive(pid):
    """The process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return False
    return text[text.rindex(")") + 2:].split()[0] != "Z"


def wait_gone(pids, seconds):
    """The pids still alive after waiting up to seconds for them to end."""
    deadline = time.monotonic() + seconds
    remaining = [pid for pid in pids if alive(pid)]
    while remaining and time.monotonic() < deadline:
        time.sleep(0.05)
        remaining = [pid for pid in remaining if alive(pid)]
    return remaining


def kill_all(pids, sig=signal.SIGKILL):
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


class Child:
    """A child with piped stdio, its output collected on threads, and its peak RSS when reaped.

    The peak comes from GNU time wrapped around the program: a forked Python's own pages would
    count in the child's ru_maxrss, which the kernel keeps across exec."""

    def __init__(self, argv, stdin=subprocess.PIPE, env=None, cwd=None):
        self._peak_file = tempfile.NamedTemporaryFile(prefix="soak-peak-", delete=False)
        self._peak_file.close()
        self.process = subprocess.Popen(
            ["/usr/bin/time", "-f", "%M", "-o", self._peak_file.name] + list(argv), stdin=stdin,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
            start_new_session=True)
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.returncode = None
        self.max_rss_kib = None
        self._reaped = False
        self._readers = [
            threading.Thread(target=self._drain, args=(self.process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._drain, args=(self.process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    @property
    def pid(self):
        return self.process.pid

    @staticmethod
    def _drain(stream, sink):
        while True:
            chunk = stream.read1(65536)
            if not chunk:
                return
            sink.extend(chunk)

    def write(self, data):
        """Writes to stdin; False when the child no longer reads it."""
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
            return True
        except (BrokenPipeError, ValueError):
            return False

    def close_stdin(self):
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    def wait_for_output(self, needle, seconds):
        deadline = time.monotonic() + seconds
        while needle not in self.stdout and time.monotonic() < deadline:
            if self.process.poll() is not None:
                time.sleep(0.05)
                return needle in self.stdout
            time.sleep(0.01)
        return needle in self.stdout

    def wait(self, seconds):
        """Reaps the child within seconds (with wait4, for its peak RSS); False when it is still running.
        Waiting again after it was reaped answers True at once (wait4 would fail: no such child)."""
        if self._reaped:
            return True
        deadline = time.monotonic() + seconds
        while True:
            pid, status, _ = os.wait4(self.pid, os.WNOHANG)
            if pid == self.pid:
                self._reaped = True
                self.returncode = os.waitstatus_to_exitcode(status)
                self.process.returncode = self.returncode
                with open(self._peak_file.name) as peak:
                    text = peak.read().strip().splitlines()
                os.unlink(self._peak_file.name)
                # time reports the program's own status; a signal shows as "Command terminated by signal N".
                self.max_rss_kib = int(text[-1]) if text and text[-1].isdigit() else None
                for line in text:
                    if line.startswith("Command terminated by signal"):
                        self.returncode = -int(line.split()[-1])
                for reader in self._readers:
                    reader.join(5)
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)

    def kill(self):
        """SIGKILLs the child's whole session (it leads its own) and reaps it."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.wait(10)

    def stderr_lines(self):
        return [line for line in self.stderr.decode("utf-8", "replace").splitlines() if line.strip()]

    def ended_cleanly(self):
        """Problems with how it ended: killed by a signal."""
        if self.returncode is not None and self.returncode < 0:
            return [f"killed by signal {-self.returncode}"]
        return []


def run(argv, seconds=60, **kwargs):
    """Runs argv to completion with a deadline: the finished Child (killed and flagged on timeout)."""
    child = Child(argv, stdin=subprocess.DEVNULL, **kwargs)
    child.timed_out = not child.wait(seconds)
    if child.timed_out:
        child.kill()
    return child


