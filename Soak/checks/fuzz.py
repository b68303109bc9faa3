"""Fuzzed frame streams: mutated agentproto frames written to a real agent's stdin, and garbage from a
fake agent read by mproxy exec and mproxy fs. Neither may crash or hang; the client must exit 255
with one line saying why whenever the stream is not a session."""

import json
import os
import random
import subprocess
import time

from . import hostile, procs

AGENT_DEADLINE = 10
CLIENT_DEADLINE = 15
# Heads that claim huge or odd lengths: byte/text strings, arrays, maps of 2^64-1, indefinite, reserved.
INTERESTING = [b"\x5b" + b"\xff" * 8, b"\x7b" + b"\xff" * 8, b"\x9b" + b"\xff" * 8, b"\xbb" + b"\xff" * 8,
               b"\x5a\x40\x00\x00\x00", b"\x9f", b"\xbf", b"\xff", b"\x1c", b"\xf8\x00", b"\xc6" * 40, b"\x81" * 40]


def golden_frames(context, types):
    """The golden vectors' single frames whose type is in types, as bytes."""
    frames = []
    path = os.path.join(context.repository, "Tests", "AgentProtoTests", "Fixtures", "agentproto-golden.jsonl")
    with open(path) as file:
        for line in file:
            vector = json.loads(line)
            decoded = vector.get("decoded") or []
            if vector.get("kind") == "frame" and len(decoded) == 1 and isinstance(decoded[0], dict) \
                    and decoded[0].get("t") in types:
                frames.append(bytes.fromhex(vector["hex"]))
    return frames


def agent_seeds(context):
    """Frames a client sends. Exec only of harmless programs; file operations are confined to a scratch
    directory by the Config every stream starts with (the golden ones name /tmp paths: refused)."""
    frame = hostile.frame
    seeds = golden_frames(context, {0, 2, 3, 4, 6, 7, 8, 9, 11, 255})
    for program, arguments in (("echo", ["echo", "fuzz"]), ("true", ["true"]), ("cat", ["cat"])):
        seeds.append(frame(t=1, x={"path": program, "argv": arguments, "cwd": "", "env": ["PATH=/usr/bin:/bin"]}))
    for operation in ({"op": 1, "p": "file"}, {"op": 5, "h": 1, "sz": 64}, {"op": 6, "h": 1, "d": b"abc"},
                      {"op": 7, "p": "."}, {"op": 9, "p": "."}, {"op": 10, "p": "d", "mo": 0o755}, {"op": 16},
                      {"op": 2, "p": "new"}, {"op": 4, "h": 1}, {"op": 12, "p": "d"}):
        seeds.append(frame(t=11, fop=dict(operation, id=random.randrange(1, 50))))
    seeds.append(frame(t=2, s=0, d=b"input\n"))
    seeds.append(frame(t=3, s=0))
    return seeds


def mutate(data):
    data = bytearray(data)
    for _ in range(random.randint(0, 4)):
        choice = random.randrange(7)
        position = random.randint(0, len(data))
        if choice == 0 and data:
            index = random.randrange(len(data))
            data[index] ^= 1 << random.randrange(8)
        elif choice == 1 and data:
            data[random.randrange(len(data))] = random.randrange(256)
        elif choice == 2:
            data[position:position] = os.urandom(random.randint(1, 16))
        elif choice == 3:
            del data[position:position + random.randint(1, 16)]
        elif choice == 4 and data:
            start = random.randrange(len(data))
            data[position:position] = data[start:start + random.randint(1, 64)]
        elif choice == 5:
            data[position:position] = random.choice(INTERESTING)
        else:
            del data[position:]
    return bytes(data)


def _save(context, kind, count, data):
    directory = os.path.join(context.work, "fuzz-failures")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{kind}-{count}.bin")
    with open(path, "wb") as file:
        file.write(data)
    return path


def agent_stream(context, results):
    seconds = context.fuzz_seconds / (2 if context.quick else 1)
    seeds = agent_seeds(context)
    scratch = hostile.scratch_directory(context, "fuzz-agent")
    prefix = hostile.config(scratch)
    failures, runs, exits = [], 0, {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(failures) < 5:
        body = b"".join(random.choice(seeds) for _ in range(random.randint(1, 8)))
        stream = prefix + (mutate(body) if random.random() < 0.9 else os.urandom(random.randint(1, 512)))
        runs += 1
        agent = subprocess.Popen([context.agent], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, cwd=scratch, start_new_session=True)
        try:
            _, errors = agent.communicate(stream, timeout=AGENT_DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(agent.pid, 9)
            agent.communicate()
            failures.append(f"hang: still running {AGENT_DEADLINE} s after its input closed "
                            f"({_save(context, 'agent-hang', runs, stream)})")
            continue
        exits[agent.returncode] = exits.get(agent.returncode, 0) + 1
        if agent.returncode < 0 or b"Fatal error" in errors:
            failures.append(f"crash: status {agent.returncode} {errors[-200:]!r} ({_save(context, 'agent-crash', runs, stream)})")
    shown = ", ".join(f"{code}: {count}" for code, count in sorted(exits.items()))
    results.check(f"fuzz: {runs} mutated frame streams to the agent in {seconds:.0f} s", failures,
                  f"no crash, no hang; exit statuses {shown}")


def client_outputs(context):
    """What a fake agent prints: (bytes, must the client fail with 255)."""
    hello = hostile.frame(t=100, hi={"v": "fake", "cap": ["hello"]})
    seeds = golden_frames(context, {2, 3, 5, 6, 7, 10, 12}) + [hello]
    kind = random.randrange(3)
    if kind == 0:
        return os.urandom(random.randint(0, 2048)), True
    if kind == 1:
        # Cut short before the Exit completes; no seed here ends a session or answers a request (a FileResp
        # with id 1 answers mproxy fs's Getwd).
        whole = random.choice(golden_frames(context, {2, 3, 7}) + [hello]) + hostile.frame(t=5, c=0)
        return whole[:random.randrange(len(whole))], True
    return mutate(b"".join(random.choice(seeds) for _ in range(random.randint(1, 6)))), False


def client_stream(context, results):
    seconds = context.fuzz_seconds / (2 if context.quick else 1)
    scratch = hostile.scratch_directory(context, "fuzz-client")
    failures, runs, statuses = [], 0, {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(failures) < 5:
        output, must_fail = client_outputs(context)
        runs += 1
        script = hostile.fake_agent(scratch, f"agent-{runs % 4}", output, random.choice([0, 1]))
        command = random.choice([["exec", "--agent", script, "local", "--", "true"],
                                 ["fs", "--agent", script, "local", "pwd"]])
        client = procs.run([context.mproxy] + command, CLIENT_DEADLINE)
        lines = client.stderr_lines()
        # Other lines are the fake command's own stream 2 (mutated Data frames); the reasons are ours.
        reasons = [line for line in lines if line.startswith("mproxy")]
        statuses[client.returncode] = statuses.get(client.returncode, 0) + 1
        problem = None
        if client.timed_out:
            problem = f"hang: mproxy {command[0]} still running after {CLIENT_DEADLINE} s"
        elif client.returncode < 0:
            problem = f"crash: signal {-client.returncode}: {lines[-3:]}"
        elif len(reasons) > 1:
            problem = f"{len(reasons)} lines of reasons, expected one: {reasons[:3]}"
        elif must_fail and (client.returncode != 255 or len(reasons) != 1):
            problem = f"exit {client.returncode} (stderr {lines[:2]}) from a stream that is not a session: expected 255, one line"
        if problem:
            failures.append(f"mproxy {command[0]}: {problem} ({_save(context, 'client', runs, output)})")
    shown = ", ".join(f"{code}: {count}" for code, count in sorted(statuses.items()))
    results.check(f"fuzz: {runs} garbage agent outputs to mproxy exec/fs in {seconds:.0f} s", failures,
                  f"no crash, no hang, one-line reasons; exit statuses {shown}")


ALL = [agent_stream, client_stream]
