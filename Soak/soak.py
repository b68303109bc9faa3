#!/usr/bin/env python3
"""The fault and soak suite; scripts/soak builds what it needs, starts the throwaway sshd and runs this.

  soak.py --mproxy BIN --agent BIN --driver BIN --sshd-dir DIR --work DIR [--quick] [--minutes N] [--only NAME]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checks import faults, fuzz, hostile, procs  # noqa: E402
from checks.results import Results  # noqa: E402


class Context:
    def __init__(self, arguments):
        self.mproxy = os.path.abspath(arguments.mproxy)
        self.agent = os.path.abspath(arguments.agent)
        self.driver = os.path.abspath(arguments.driver)
        self.ssh_config = os.path.join(arguments.sshd_dir, "ssh_config")
        with open(os.path.join(arguments.sshd_dir, "sshd.pid")) as pid_file:
            self.listener_pid = int(pid_file.read())
        self.work = os.path.abspath(arguments.work)
        self.quick = arguments.quick
        self.fuzz_seconds = 20 if arguments.quick else arguments.minutes * 60
        self.repository = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def exec_soak(context, results):
    """Sequential and concurrent execs on one connection, with fds and RSS on both ends."""
    sequential, concurrent = (500, 50) if context.quick else (10000, 500)
    child = procs.run([context.driver, "--config", context.ssh_config, "--host", "mproxy-demo", "--agent", context.agent,
                       "--server-pid", str(context.listener_pid), "--sequential", str(sequential),
                       "--concurrent", str(concurrent)], 1800)
    name = f"{sequential} sequential + {concurrent} concurrent execs on one connection"
    try:
        report = json.loads(child.stdout.decode())
    except ValueError:
        results.record(name, False, f"the driver said no report (status {child.returncode}): {child.stderr_lines()[-3:]}")
        return
    if "error" in report:
        results.record(name, False, report["error"])
        return
    problems = []
    for phase, count in (("sequential", sequential), ("concurrent", concurrent)):
        if report[f"{phase}_ok"] != count:
            problems.append(f"{phase}: {report[f'{phase}_ok']} of {count} ok, e.g. {report[f'{phase}_failures'][:3]}")
    if report["warmup_failures"]:
        problems.append(f"warm-up failed: {report['warmup_failures'][:3]}")
    # A fixed slack for allocator and buffer noise; a leak of anything per command grows with the count.
    slack = {"client_fds": 4, "server_fds": 4, "client_rss_kib": 16 << 10, "server_rss_kib": 4 << 10, "server_agents": 0}
    for key, allowed in slack.items():
        start, end = report[key][0], report[key][-1]
        if end - start > allowed:
            problems.append(f"{key} grew from {start} to {end} (slack {allowed})")
    figures = ", ".join(f"{key} {'->'.join(map(str, report[key]))}" for key in slack)
    if problems:
        problems.append(f"figures: {figures}")
    results.check(name, problems, f"{report['sequential_seconds']:.1f} s + {report['concurrent_seconds']:.1f} s; {figures}")


def main():
    parser = argparse.ArgumentParser()
    for option in ("--mproxy", "--agent", "--driver", "--sshd-dir", "--work"):
        parser.add_argument(option, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--only", default="", help="run the checks whose function name contains this")
    arguments = parser.parse_args()
    context = Context(arguments)
    results = Results()
    checks = [exec_soak] + faults.ALL + hostile.ALL + fuzz.ALL
    for check in checks:
        if arguments.only and arguments.only not in check.__name__:
            continue
        try:
            check(context, results)
        except Exception as error:  # a broken check is a failure, never a silent pass
            results.crashed(check.__name__, error)
    return results.summary()


if __name__ == "__main__":
    sys.exit(main())
