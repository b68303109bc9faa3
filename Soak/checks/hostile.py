"""Hostile sizes: a ReadAt of 2^40 bytes gets EINVAL; a byte string whose header claims 1 GiB is
refused by the agent and by the client without allocating it."""

import os
import stat
import time

from . import cbor, procs

EINVAL = 22
PEAK_LIMIT_KIB = 64 << 10  # far below the 1 GiB a trusting decoder would allocate


def frame(**fields):
    return cbor.encode(fields)


def config(root):
    """The Config every stream to a real agent starts with: file operations confined to root."""
    return frame(t=8, cfg={"ext": ["hello", "root"], "root": root})


def start_agent(context, scratch):
    return procs.Child([context.agent], cwd=scratch)


def read_response(child, request_id, seconds=10):
    """The FileResp frame answering request_id, or None."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        frames, _ = cbor.decode_all(child.stdout)
        for item in frames:
            if isinstance(item, dict) and item.get("t") == 12 and item.get("frp", {}).get("id") == request_id:
                return item["frp"]
        time.sleep(0.01)
    return None


def scratch_directory(context, name):
    path = os.path.join(context.work, name)
    os.makedirs(path, exist_ok=True)
    return path


def read_at_2_40(context, results):
    name = "hostile: ReadAt of 2^40 bytes"
    scratch = scratch_directory(context, "readat")
    with open(os.path.join(scratch, "file"), "wb") as file:
        file.write(b"x" * 4096)
    agent = start_agent(context, scratch)
    problems = []
    try:
        agent.write(config(scratch) + frame(t=11, fop={"id": 1, "op": 1, "p": "file"}))
        opened = read_response(agent, 1)
        if not opened or not opened.get("h"):
            problems.append(f"Open got no handle: {opened}")
        else:
            agent.write(frame(t=11, fop={"h": opened["h"], "id": 2, "op": 5, "sz": 1 << 40}))
            answer = read_response(agent, 2)
            if answer is None:
                problems.append("no answer to the ReadAt")
            elif answer.get("er") != EINVAL:
                problems.append(f"answer {answer.get('er')} {answer.get('em')!r}, expected EINVAL")
    finally:
        agent.close_stdin()
        if not agent.wait(10):
            problems.append("the agent did not exit within 10 s of its input closing")
            agent.kill()
    problems += agent.ended_cleanly()
    if (agent.max_rss_kib or 0) > PEAK_LIMIT_KIB:
        problems.append(f"the agent's peak RSS is {agent.max_rss_kib} KiB")
    results.check(name, problems, f"EINVAL ({(answer or {}).get('em', '')!r}), agent peak RSS {agent.max_rss_kib} KiB"
                  if not problems else "")


def _huge_bytes_to_agent(context, results, name, prefix):
    """prefix, then a Data frame on stream 0 whose byte string claims 1 GiB; the input stays open."""
    scratch = scratch_directory(context, "huge")
    agent = start_agent(context, scratch)
    header = b"\xa3" + cbor.encode("d") + b"\x5a\x40\x00\x00\x00" + b"A" * 4096
    agent.write(config(scratch) + prefix + header)
    problems = []
    exited = agent.wait(10)
    if not exited:
        problems.append("the agent still waits 10 s after the 1 GiB header instead of refusing it")
        agent.close_stdin()
        if not agent.wait(10):
            problems.append("and does not exit when its input closes")
            agent.kill()
    problems += agent.ended_cleanly()
    if exited and "exceeds the limit" not in agent.stderr.decode("utf-8", "replace"):
        problems.append(f"the agent ended without saying the length was refused: {agent.stderr_lines()[-2:]}")
    if agent.max_rss_kib and agent.max_rss_kib > PEAK_LIMIT_KIB:
        problems.append(f"peak RSS {agent.max_rss_kib} KiB")
    results.check(name, problems, f"refused at once (exit {agent.returncode}, logged 'exceeds the limit'), peak RSS {agent.max_rss_kib} KiB")


def huge_bytes_to_agent_first(context, results):
    _huge_bytes_to_agent(context, results, "hostile: 1 GiB byte string header to the agent", b"")


def huge_bytes_to_agent_in_exec(context, results):
    exec_cat = frame(t=1, x={"path": "cat", "argv": ["cat"], "cwd": "", "env": None})
    _huge_bytes_to_agent(context, results, "hostile: 1 GiB byte string header to the agent's running cat", exec_cat)


def fake_agent(directory, name, output, then_sleep):
    """A script that prints output as an agent would, then sleeps (a peer that stays) or exits."""
    data = os.path.join(directory, name + ".bin")
    script = os.path.join(directory, name)
    with open(data, "wb") as file:
        file.write(output)
    with open(script, "w") as file:
        file.write(f"#!/bin/sh\ncat '{data}'\n" + (f"exec sleep {then_sleep} 2>/dev/null\n" if then_sleep else "exit 0\n"))
    os.chmod(script, stat.S_IRWXU)
    return script


def huge_bytes_to_client(context, results):
    name = "hostile: 1 GiB byte string header to the client"
    scratch = scratch_directory(context, "huge-client")
    hello = frame(t=100, hi={"v": "fake", "cap": ["hello"]})
    header = b"\xa3" + cbor.encode("d") + b"\x5a\x40\x00\x00\x00" + b"A" * 4096
    script = fake_agent(scratch, "huge", hello + header, 5)
    client = procs.run([context.mproxy, "exec", "--agent", script, "local", "--", "true"], 30)
    problems = client.ended_cleanly()
    lines = client.stderr_lines()
    if client.timed_out:
        problems.append("mproxy exec still running after 30 s")
    if client.returncode != 255 or len(lines) != 1:
        problems.append(f"status {client.returncode}, stderr {lines[:3]}: expected 255 and one line")
    if client.max_rss_kib and client.max_rss_kib > 2 * PEAK_LIMIT_KIB:
        problems.append(f"peak RSS {client.max_rss_kib} KiB")
    results.check(name, problems, f"exit 255, peak RSS {client.max_rss_kib} KiB, {lines[0] if lines else ''!r}")


ALL = [read_at_2_40, huge_bytes_to_agent_first, huge_bytes_to_agent_in_exec, huge_bytes_to_client]
