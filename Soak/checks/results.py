"""PASS/FAIL bookkeeping: every check reports here, the summary comes from here."""

import sys


class Results:
    def __init__(self):
        self.passed = []
        self.failed = []

    def record(self, name, ok, reason):
        (self.passed if ok else self.failed).append((name, reason))
        print(f"{'PASS' if ok else 'FAIL'} {name}: {reason}", flush=True)

    def check(self, name, problems, success):
        """PASS with success when problems is empty, else FAIL listing them."""
        self.record(name, not problems, success if not problems else "; ".join(problems))

    def crashed(self, name, error):
        self.record(name, False, f"the check itself failed: {type(error).__name__}: {error}")

    def summary(self):
        print(f"\n{len(self.passed)} passed, {len(self.failed)} failed", flush=True)
        for name, reason in self.failed:
            print(f"  failed: {name}: {reason}")
        sys.stdout.flush()
        return 1 if self.failed else 0
