#!/usr/bin/env python3
"""Write a synthetic mproxy recording for benchmarks: canonical CBOR records as the recorder
writes them (header, commands with stdout Data frames at a steady rate, ends, footer).

Defaults give a 1-hour session of 60 one-minute commands, 1.2 million frames, about 505 MB:

    python3 Recordings/make-synthetic-recording.py hour.cbor
    python3 Recordings/make-synthetic-recording.py --frames 16384 --frame-size 32768 bulk.cbor

Standard library only. The output verifies with `mproxy replay --verify`.
"""
import argparse
import struct


def head(major, value):
    if value < 24:
        return bytes([major << 5 | value])
    if value < 0x100:
        return bytes([major << 5 | 24, value])
    if value < 0x10000:
        return bytes([major << 5 | 25]) + struct.pack(">H", value)
    if value < 0x100000000:
        return bytes([major << 5 | 26]) + struct.pack(">I", value)
    return bytes([major << 5 | 27]) + struct.pack(">Q", value)


def integer(value):
    return head(0, value) if value >= 0 else head(1, -1 - value)


def text(value):
    encoded = value.encode()
    return head(3, len(encoded)) + encoded


def data(value):
    return head(2, len(value)) + value


def cbor_map(pairs):
    # Canonical order (RFC 7049): by encoded key length, then bytewise.
    items = sorted((text(key), value) for key, value in pairs)
    items.sort(key=lambda item: len(item[0]))
    return head(5, len(items)) + b"".join(key + value for key, value in items)


def record(kind, key, payload):
    return cbor_map([("type", integer(kind)), (key, payload)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--seconds", type=int, default=3600, help="session length (3600)")
    parser.add_argument("--frames", type=int, default=1_200_000, help="Data frames in all (1200000)")
    parser.add_argument("--commands", type=int, default=60, help="commands, back to back (60)")
    parser.add_argument("--frame-size", type=int, default=0,
                        help="bytes per Data frame; 0 (default) mixes 64, 256, 1024 and 130")
    arguments = parser.parse_args()

    start = 1_747_742_400_000_000_000
    span = arguments.seconds * 1_000_000_000
    frames_per_command = max(1, arguments.frames // arguments.commands)
    command_span = span // arguments.commands
    step = command_span // (frames_per_command + 2)
    sizes = [arguments.frame_size] * 4 if arguments.frame_size > 0 else [64, 256, 1024, 130]
    payloads = [bytes((33 + (index * 7 + offset) % 90) for offset in range(size - 1)) + b"\n"
                for index, size in enumerate(sizes)]
    header = cbor_map([
        ("version", text("synthetic")), ("local_pid", integer(1)), ("agent_path", text("/usr/libexec/mproxy-agent")),
        ("local_user", text("bench")), ("start_time", integer(start)), ("backend_type", text("local")),
    ])
    with open(arguments.path, "wb", buffering=1 << 20) as output:
        output.write(record(1, "header", header))
        frame_number = 0
        for sequence in range(arguments.commands):
            command_start = start + sequence * command_span
            execution = cbor_map([
                ("cwd", text("/work")), ("env", b"\xf6"), ("path", text("/bin/sh")),
                ("argv", head(4, 3) + text("sh") + text("-c") + text(f"generate part {sequence}")),
            ])
            output.write(record(2, "cmd_start", cbor_map([
                ("seq", integer(sequence)), ("exec", execution), ("start_time", integer(command_start))])))
            for index in range(frames_per_command):
                frame = cbor_map([("t", integer(2)), ("s", integer(1)), ("d", data(payloads[frame_number % 4]))])
                output.write(record(3, "frame", cbor_map([
                    ("ts", integer(command_start + (index + 1) * step)), ("dir", integer(2)),
                    ("seq", integer(sequence)), ("frame", frame)])))
                frame_number += 1
            output.write(record(4, "cmd_end", cbor_map([
                ("seq", integer(sequence)), ("end_time", integer(command_start + command_span - 1)),
                ("exit_code", integer(0))])))
        output.write(record(5, "footer", cbor_map([
            ("end_time", integer(start + span)), ("command_count", integer(arguments.commands))])))


if __name__ == "__main__":
    main()
