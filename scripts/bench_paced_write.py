"""Writes SIZE bytes to PATH at RATE MiB/s in 256 KiB writes, then exits (or stops when killed).

The bench runs it beside an unrecorded transfer: it does the file-system work a recorder does for
that transfer (every byte into the page cache, as it arrives) in a process of its own, which shows
what that work alone costs the transfer on this machine.

    python3 scripts/bench_paced_write.py PATH SIZE RATE
"""
import os
import sys
import time

CHUNK = 256 << 10


def main():
    path, size, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    chunk = b"\x61" * CHUNK
    start = time.monotonic()
    for index in range(size // CHUNK):
        delay = start + index * CHUNK / (rate * (1 << 20)) - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        os.write(descriptor, chunk)
    os.close(descriptor)


if __name__ == "__main__":
    main()
