#!/usr/bin/env python3
"""Measurement core of scripts/bench: runs mproxy and its peers (ssh, ControlMaster, sftp, scp, sshfs,
cbor2) side by side against one throwaway sshd and writes results.json, results.md and the plots.

scripts/bench builds everything, starts the server and calls this; it is not meant to be run alone.
Every row compares mproxy with a peer measured in the same run: absolute times vary between
machines, the ratio is the result. Targets are those of the design (section 8 of its document).
"""
import argparse
import json
import os
import pathlib
import platform
import shlex
import statistics
import subprocess
import sys
import time

import bench_report

HOST = "mproxy-demo"
MIB = 1 << 20


class Bench:
    """The run's settings, tools and rows; one instance for the whole run."""

    def __init__(self, arguments):
        self.quick = arguments.quick
        self.work = pathlib.Path(arguments.work)
        self.results = pathlib.Path(arguments.results)
        self.config = str(self.work / "sshd" / "ssh_config")
        self.mproxy = arguments.mproxy
        self.probe_path = arguments.probe
        self.cipher = arguments.cipher
        self.rows = []
        self.distributions = {}
        self.throughput = []
        self.runs = {}
        self.log = open(self.results / "bench.log", "w")
        self.big_size = (256 if self.quick else 1024) * MIB
        self.bulk_runs = 2 if self.quick else 5

    # Running things -------------------------------------------------------------------------

    def say(self, text):
        print(text, flush=True)
        self.log.write(text + "\n")
        self.log.flush()

    def shell(self, command, **kwargs):
        """Runs `command` with sh, fails loudly, returns its stdout."""
        self.log.write("$ " + command + "\n")
        self.log.flush()
        done = subprocess.run(command, shell=True, stdout=subprocess.PIPE, stderr=self.log, text=True, **kwargs)
        if done.returncode != 0:
            raise SystemExit(f"scripts/bench: `{command}` failed with exit code {done.returncode}; see {self.log.name}")
        return done.stdout

    def probe(self, *arguments):
        """Runs MeasurementProbe with `arguments` and returns its JSON answer."""
        arguments = [str(argument) for argument in arguments]
        if arguments[0] not in ("codec", "mux-rpc"):
            arguments[1:1] = [self.config, HOST]
        return json.loads(self.shell(" ".join(shlex.quote(part) for part in [self.probe_path] + arguments)))

    def hyperfine(self, name, command, runs, warmup):
        """Times one short command with hyperfine (no shell in between); returns its seconds."""
        export = self.work / f"hyperfine-{name}.json"
        self.log.write(self.shell(f"hyperfine -N --runs {runs} --warmup {warmup} --style basic "
                                  f"--export-json {export} {shlex.quote(command)}"))
        times = json.loads(export.read_text())["results"][0]["times"]
        self.runs[name] = [{"command": self.portable(command), "seconds": times}]
        return times

    def compare(self, name, commands, runs, warmup=1, prepare=None):
        """Times `commands` (shell lines) round-robin, `prepare` before each, so that load from
        elsewhere on the machine falls on every tool alike; returns one list of seconds per command."""
        times = [[] for _ in commands]
        for run in range(warmup + runs):
            for index, command in enumerate(commands):
                if prepare:
                    self.shell(prepare)
                start = time.perf_counter()
                self.shell(command + " >/dev/null" if ">" not in command else command)
                if run >= warmup:
                    times[index].append(time.perf_counter() - start)
        self.runs[name] = [{"command": self.portable(command), "seconds": seconds}
                           for command, seconds in zip(commands, times)]
        for command, seconds in zip(commands, times):
            self.log.write(f"{name}: {command}: median {median(seconds):.3f} s of {[round(t, 3) for t in seconds]}\n")
        return times

    def portable(self, command):
        """`command` as results.json keeps it: the checkout as `.`, the scratch directory as `$WORK`."""
        return command.replace(str(self.work), "$WORK").replace(os.getcwd() + "/", "./")

    def ssh(self, remote, options=""):
        """An `ssh` command line to the throwaway server."""
        return f"ssh -F {self.config} -o ControlPath=none {options} {HOST} {shlex.quote(remote)}".replace("  ", " ")

    def mproxy_exec(self, arguments, options=""):
        return f"{self.mproxy} exec -F {self.config} {options} {HOST} -- {arguments}".replace("  ", " ")

    def mproxy_fs(self, arguments):
        return f"{self.mproxy} fs -q -F {self.config} {HOST} {arguments}"

    # Rows -----------------------------------------------------------------------------------

    def row(self, part, what, mproxy, peer_name, peer, unit, target, met, better="lower", note=""):
        """Adds a row; `ratio` is mproxy / peer (for times lower is better, for rates higher)."""
        ratio = mproxy / peer if (mproxy is not None and peer) else None
        row = {
            "part": part, "what": what, "mproxy": mproxy, "peer_name": peer_name, "peer": peer, "unit": unit,
            "ratio": ratio, "better": better, "target": target, "met": met, "note": note,
        }
        self.rows.append(row)
        self.say("  " + bench_report.format_row_text(row))
        return row

    def distribution(self, name, unit, samples):
        """Keeps samples for the latency plot."""
        self.distributions[name] = {"unit": unit, "samples": samples}

    def rate(self, label, tool, mib_per_second):
        self.throughput.append({"comparison": label, "tool": tool, "mib_per_second": mib_per_second})


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def median(samples):
    return statistics.median(samples)


def mib_per_second(size, seconds):
    return size / MIB / median(seconds)


def machine_description(bench):
    def output(command):
        try:
            done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=30)
            return (done.stdout + done.stderr).strip().splitlines()[0]
        except (subprocess.SubprocessError, IndexError):
            return "unknown"

    cpu = output("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-").strip()
    release = output(". /etc/os-release && echo \"$PRETTY_NAME\"")
    return {
        "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "os": release,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / (1 << 30), 1),
        "openssh": output("ssh -V"), "libssh": output("pkg-config --modversion libssh"),
        "sshfs": output("sshfs --version 2>&1 | grep -i '^sshfs version'"), "swift": output("swift --version 2>&1 | head -1"),
        "cipher": bench.cipher, "load_average_at_start": os.getloadavg()[0],
        "commit": output("git rev-parse --short HEAD"), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "mode": "quick" if bench.quick else "full",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--mproxy", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--cipher", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("parts", nargs="*")
    arguments = parser.parse_args()
    import bench_parts

    parts = arguments.parts or list(bench_parts.PARTS)
    bench = Bench(arguments)
    machine = machine_description(bench)
    started = time.monotonic()
    for part in parts:
        bench.say(f"== {part}")
        bench_parts.PARTS[part](bench)
    machine["duration_seconds"] = round(time.monotonic() - started)
    document = {
        "machine": machine, "parts": parts, "rows": bench.rows,
        "distributions": bench.distributions, "throughput": bench.throughput, "runs": bench.runs,
    }
    (bench.results / "results.json").write_text(json.dumps(document) + "\n")
    bench_report.write(document, bench.results)
    print()
    print(bench_report.table_text(bench.rows))
    print(f"\nresults: {bench.results}/results.md, results.json, *.png ({machine['duration_seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
