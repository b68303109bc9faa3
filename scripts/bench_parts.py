"""The four parts of scripts/bench (exec, fs, codec, replay): each measures mproxy and its peer in
the same run and adds rows to the Bench it is given. Targets: the design's section 8."""
import concurrent.futures
import json
import os
import subprocess
import time

from bench_measure import HOST, MIB, median, mib_per_second, percentile


def big_file(bench, side):
    """A file of random bytes (1 GiB, 256 MiB with --quick) under work/<side>, made once."""
    path = bench.work / side / "big"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        source = bench.work / "remote" / "big"
        if side != "remote" and source.exists():
            bench.shell(f"cp {source} {path}")
        else:
            bench.shell(f"head -c {bench.big_size} /dev/urandom > {path}")
    return path


def exec_part(bench):
    quick = bench.quick
    size_text = f"{bench.big_size // MIB} MiB"

    cold = bench.compare("cold-exec", [bench.mproxy_exec("true"), bench.ssh("true")], runs=8 if quick else 20, warmup=2)
    mproxy, ssh = (median(times) * 1000 for times in cold)
    bench.distribution("cold exec: mproxy exec host -- true", "ms", [t * 1000 for t in cold[0]])
    bench.distribution("cold exec: ssh host true", "ms", [t * 1000 for t in cold[1]])
    bench.row("exec", "cold `exec host -- true` (agent cached), p50", mproxy, "cold `ssh host true`", ssh, "ms",
              "≤ 0.5×", mproxy / ssh <= 0.5)

    bench.shell(f"ssh -F {bench.config} -o ControlMaster=yes -o ControlPersist=300 -fN {HOST}")
    try:
        master = bench.hyperfine("controlmaster", f"ssh -F {bench.config} {HOST} true",
                                 runs=30 if quick else 100, warmup=5)
    finally:
        bench.shell(f"ssh -F {bench.config} -O exit {HOST} 2>/dev/null || true")
    warm = bench.probe("exec-true", 100 if quick else 300)["samples_us"]
    bench.distribution("exec /bin/true, established: mproxy library", "ms", [t / 1000 for t in warm])
    bench.distribution("exec /bin/true, established: ssh ControlMaster", "ms", [t * 1000 for t in master])
    mproxy, peer = median(warm) / 1000, median(master) * 1000
    for target, met in (("≤ 3 ms", mproxy <= 3), ("≤ 0.35×", mproxy / peer <= 0.35)):
        bench.row("exec", "exec `/bin/true` on an established connection, p50", mproxy, "ControlMaster `ssh host true`",
                  peer, "ms", target, met)

    signal = bench.probe("signal", 10 if quick else 30)["samples_us"]
    bench.distribution("SIGTERM to remote process group until exit: mproxy", "ms", [t / 1000 for t in signal])
    p99 = percentile(signal, 0.99) / 1000
    bench.row("exec", "signal to the remote process group until its exit, p99", p99, "OpenSSH without a PTY: never",
              None, "ms", "≤ 50 ms", p99 <= 50)

    big = big_file(bench, "remote")
    warmup = 0 if quick else 1
    stdout = bench.compare("stdout", [bench.mproxy_exec(f"cat {big}", "-n") + " >/dev/null",
                                        bench.ssh(f"cat {big}", "-n") + " >/dev/null"],
                             runs=bench.bulk_runs, warmup=warmup)
    mproxy, ssh = (mib_per_second(bench.big_size, times) for times in stdout)
    bench.rate("exec stdout", "mproxy exec", mproxy)
    bench.rate("exec stdout", "ssh host cat", ssh)
    bench.row("exec", f"exec stdout throughput, {size_text} (incl. connect)", mproxy, "`ssh host cat`", ssh, "MiB/s",
              "≥ 0.9×", mproxy / ssh >= 0.9, better="higher")

    local = big_file(bench, "local")
    stdin = bench.compare("stdin", [bench.mproxy_exec("sh -c 'cat >/dev/null'") + f" <{local}",
                                      bench.ssh("cat >/dev/null") + f" <{local}"],
                            runs=bench.bulk_runs, warmup=warmup)
    mproxy, ssh = (mib_per_second(bench.big_size, times) for times in stdin)
    bench.rate("exec stdin", "mproxy exec", mproxy)
    bench.rate("exec stdin", "ssh host 'cat >/dev/null'", ssh)
    bench.row("exec", f"exec stdin throughput, {size_text} (incl. connect)", mproxy, "`ssh host 'cat >/dev/null'`",
              ssh, "MiB/s", "≥ 0.9× (as stdout)", mproxy / ssh >= 0.9, better="higher")
    agent_part(bench)


def agent_stdout_rate(bench, agent, command):
    """MiB/s of the agent's frames on its stdout while it runs `command` (argv), read raw by this
    process: the agent alone over pipes, the way sshd would carry it."""
    exec_json = json.dumps({"t": 1, "x": {"path": command[0], "argv": command}})
    exec_frame = subprocess.run([bench.mproxy, "frames", "encode"], input=exec_json.encode(),
                                stdout=subprocess.PIPE, check=True).stdout
    child = subprocess.Popen([agent], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    begin = time.perf_counter()
    child.stdin.write(exec_frame)
    total = 0
    while True:
        chunk = os.read(child.stdout.fileno(), 1 << 20)
        if not chunk:
            break
        total += len(chunk)
        if total >= (1 << 30):
            break
    seconds = time.perf_counter() - begin
    child.kill()
    child.wait()
    return total / MIB / seconds


def agent_part(bench):
    """The agent's own stdout throughput over pipes, against a plain `cat` through the same pipe."""
    agent = os.environ["MPROXY_AGENT"]
    source = ["/bin/sh", "-c", "head -c 1073741824 /dev/zero"]
    rates, plain = [], []
    for _ in range(3 if bench.quick else 7):
        rates.append(agent_stdout_rate(bench, agent, source))
        begin = time.perf_counter()
        bench.shell("head -c 1073741824 /dev/zero | cat >/dev/null")
        plain.append(1024 / (time.perf_counter() - begin))
    mproxy, peer = median(rates), median(plain)
    bench.rate("agent stdout over pipes", "mproxy-agent", mproxy)
    bench.rate("agent stdout over pipes", "head | cat", peer)
    bench.row("exec", "agent stdout over pipes, 1 GiB (framed, no SSH)", mproxy, "`head | cat` through a pipe", peer,
              "MiB/s", "≥ 1 GB/s (954 MiB/s)", mproxy >= 1e9 / MIB, better="higher")


def make_small_files(directory, count, size):
    directory.mkdir(parents=True, exist_ok=True)
    payload = os.urandom(size)
    for index in range(count):
        (directory / f"f{index:04d}").write_bytes(payload)


def sshfs_read_rate(directory, concurrency):
    """Files per second reading every file of `directory` through the sshfs mount, three passes."""
    paths = sorted(str(path) for path in directory.iterdir())

    def read(path):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            while os.read(descriptor, 65536):
                pass
        finally:
            os.close(descriptor)

    rates = []
    for _ in range(3):
        start = time.perf_counter()
        if concurrency == 1:
            for path in paths:
                read(path)
        else:
            with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(read, paths))
        rates.append(len(paths) / (time.perf_counter() - start))
    return median(rates)


def timed_samples(count, operation):
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        operation()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def ssh_echo_round_trips(bench, count):
    """The SSH channel's own floor: 64 bytes through an established `ssh host cat` and back."""
    process = subprocess.Popen(bench.ssh("cat"), shell=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    try:
        message = b"m" * 64

        def echo():
            process.stdin.write(message)
            received = 0
            while received < len(message):
                chunk = process.stdout.read(len(message) - received)
                if not chunk:
                    raise SystemExit("scripts/bench: `ssh host cat` ended during the echo test")
                received += len(chunk)

        for _ in range(50):
            echo()
        return timed_samples(count, echo)
    finally:
        process.stdin.close()
        process.wait()


def fs_part(bench):
    quick = bench.quick
    remote, local, mount = bench.work / "remote", bench.work / "local", bench.work / "sshfs"
    for directory in (remote, local, mount):
        directory.mkdir(parents=True, exist_ok=True)
    small, tree = remote / "small", remote / "tree"
    if not small.exists():
        make_small_files(small, 2000, 1024)
        for index in range(20):
            make_small_files(tree / f"d{index:02d}", 100, 4096)
    (remote / "statme").write_bytes(b"x")

    bench.shell(f"sshfs -F {bench.config} -o ControlPath=none -o dir_cache=no -o attr_timeout=0 "
                f"-o entry_timeout=0 -o negative_timeout=0 {HOST}:{remote} {mount}")
    try:
        stat_count = 500 if quick else 2000
        for _ in range(50):
            os.stat(mount / "statme")
        peer_stat = timed_samples(stat_count, lambda: os.stat(mount / "statme"))
        peer_read = sshfs_read_rate(mount / "small", 1)
        peer_read_parallel = sshfs_read_rate(mount / "small", 16)
        for _ in range(5):
            os.listdir(mount / "small")
        peer_readdir = timed_samples(20 if quick else 50, lambda: os.listdir(mount / "small"))
    finally:
        bench.shell(f"fusermount3 -u {mount} || fusermount -u {mount} || umount -l {mount}")

    # The probe times the caller on the session thread (RemoteFileSystem.receivingExecutor), then,
    # for comparison, the same calls from a task on the cooperative pool.
    probed = bench.probe("stat", remote / "statme", stat_count)
    stat = probed["samples_us"]
    bench.distribution("stat: mproxy library", "µs", stat)
    bench.distribution("stat: sshfs (caches off)", "µs", peer_stat)
    mproxy, peer = median(stat), median(peer_stat)
    for target, met in (("≤ 150 µs", mproxy <= 150), ("≤ 0.35×", mproxy / peer <= 0.35)):
        bench.row("fs", "stat round trip, p50 (caller on the session thread)", mproxy, "sshfs `stat` (caches off)",
                  peer, "µs", target, met)
    bench.row("fs", "stat round trip, p50 (caller on the cooperative pool)", median(probed["pool_samples_us"]),
              "sshfs `stat` (caches off)", peer, "µs", "—", None)

    echo = ssh_echo_round_trips(bench, stat_count)
    bench.distribution("stat: raw 64 B echo over `ssh host cat`", "µs", echo)
    bench.row("fs", "stat round trip against the raw channel, p50", mproxy, "64 B echo over `ssh host cat`",
              median(echo), "µs", "≤ 1.5×", mproxy / median(echo) <= 1.5)

    rates = bench.probe("read-files", small, 2000, 1)["files_per_second"]
    mproxy = median(rates)
    bench.row("fs", "1 KiB open+read+close, one at a time", mproxy, "sshfs, one at a time", peer_read, "files/s",
              "≥ 3000 files/s", mproxy >= 3000, better="higher")
    rates = bench.probe("read-files", small, 2000, 16)["files_per_second"]
    bench.row("fs", "1 KiB open+read+close, 16 in flight", median(rates), "sshfs, 16 threads", peer_read_parallel,
              "files/s", "≥ 3000 files/s", median(rates) >= 3000, better="higher")

    readdir = bench.probe("readdir", small, 20 if quick else 50)["samples_us"]
    bench.distribution("readdir 2000: mproxy library", "ms", [t / 1000 for t in readdir])
    bench.distribution("readdir 2000: sshfs (caches off)", "ms", [t / 1000 for t in peer_readdir])
    mproxy, peer = median(readdir) / 1000, median(peer_readdir) / 1000
    bench.row("fs", "readdir of 2,000 entries (with attributes), p50", mproxy, "sshfs `readdir` (names)", peer, "ms",
              "≤ 5 ms", mproxy <= 5)

    batch = bench.work / "sftp-ls"
    batch.write_text(f"ls -l {small}\n")
    listing = bench.compare("ls", [bench.mproxy_fs(f"ls -l {small}") + " >/dev/null",
                                     f"sftp -q -F {bench.config} -o ControlPath=none -b {batch} {HOST} >/dev/null"],
                              runs=3 if quick else 10, warmup=1)
    mproxy, peer = (median(times) * 1000 for times in listing)
    bench.row("fs", "`ls -l` of 2,000 entries incl. connect (CLI)", mproxy, "`sftp` `ls -l`", peer, "ms", "—", None)

    bulk_transfers(bench, remote, local)
    tree_get(bench, tree, local)


def bulk_transfers(bench, remote, local):
    size_text = f"{bench.big_size // MIB} MiB"
    source, local_source = big_file(bench, "remote"), big_file(bench, "local")
    got, put = local / "got", remote / "put"
    sftp = f"sftp -q -F {bench.config} -o ControlPath=none -b"
    scp = f"scp -q -F {bench.config} -o ControlPath=none"
    get_batch, put_batch = bench.work / "sftp-get", bench.work / "sftp-put"
    get_batch.write_text(f"get {source} {got}\n")
    put_batch.write_text(f"put {local_source} {put}\n")
    warmup = 0 if bench.quick else 1
    for direction, commands, target in (
        ("get", [bench.mproxy_fs(f"get {source} {got}"), f"{sftp} {get_batch} {HOST}",
                 f"{scp} {HOST}:{source} {got}", bench.ssh(f"cat {source}") + f" >{got}"], got),
        ("put", [bench.mproxy_fs(f"put {local_source} {put}"), f"{sftp} {put_batch} {HOST}",
                 f"{scp} {local_source} {HOST}:{put}", bench.ssh(f"cat >{put}") + f" <{local_source}"], put),
    ):
        times = bench.compare(direction, commands, runs=bench.bulk_runs, warmup=warmup, prepare=f"rm -f {target}")
        if not target.exists() or target.stat().st_size != bench.big_size:
            raise SystemExit(f"scripts/bench: {direction} left {target} with the wrong size")
        rates = [mib_per_second(bench.big_size, run) for run in times]
        peers = [f"`sftp {direction}`", "`scp`", "`ssh host cat`"]
        for tool, rate in zip(["mproxy fs"] + ["sftp", "scp", "ssh cat"], rates):
            bench.rate(f"fs {direction}", tool, rate)
        for peer_name, peer_rate, target_ratio in zip(peers, rates[1:], [1.0, 1.0, 0.8]):
            bench.row("fs", f"{direction} {size_text} (incl. connect)", rates[0], peer_name, peer_rate, "MiB/s",
                      f"≥ {target_ratio:.1f}×", rates[0] / peer_rate >= target_ratio, better="higher")


def tree_get(bench, tree, local):
    destination = local / "tree"
    commands = [
        bench.mproxy_fs(f"get -r {tree} {destination}"),
        f"scp -q -r -F {bench.config} -o ControlPath=none {HOST}:{tree} {destination}",
        bench.ssh(f"tar -C {tree.parent} -cf - {tree.name}") + f" | tar -C {local} -xf -",
    ]
    times = bench.compare("tree", commands, runs=3 if bench.quick else 10, warmup=1,
                            prepare=f"rm -rf {destination}")
    times = [median(run) * 1000 for run in times]
    for peer_name, peer in zip(["`scp -r`", "`ssh host tar | tar`"], times[1:]):
        bench.row("fs", "get a 2,000-file tree (20 × 100 × 4 KiB, incl. connect)", times[0], peer_name, peer, "ms",
                  "—", None)


def codec_part(bench):
    import cbor2

    iterations = 5000 if bench.quick else 20000
    frames = bench.probe("codec", iterations)["frames"]
    for frame in frames:
        encoded = bytes.fromhex(frame["bytes_hex"])
        loops = max(1000, iterations // 4)
        batches = []
        for _ in range(11):
            start = time.perf_counter_ns()
            for _ in range(loops):
                cbor2.loads(encoded)
            batches.append((time.perf_counter_ns() - start) / loops)
        frame["cbor2_ns"] = median(batches)
    by_name = {frame["name"]: frame for frame in frames}
    for name in ("Exit", "FileOp Stat"):
        frame = by_name[name]
        bench.row("codec", f"decode control frame: {name} ({frame['size']} B)", frame["ns_p50"] / 1000, "cbor2 (C)",
                  frame["cbor2_ns"] / 1000, "µs", "≤ 1 µs", frame["ns_p50"] <= 1000)
    small, large = by_name["Data 64 B"], by_name["Data 32 KiB"]
    bench.row("codec", "decode Data 64 B", small["ns_p50"] / 1000, "cbor2 (C)", small["cbor2_ns"] / 1000, "µs",
              "≤ 1 µs", small["ns_p50"] <= 1000)
    gigabytes_per_second = large["size"] / large["ns_p50"]
    bench.row("codec", f"decode Data 32 KiB ({gigabytes_per_second:.1f} GB/s, "
                       f"{large['ns_p50'] / small['ns_p50']:.1f}× the 64 B frame)",
              large["ns_p50"] / 1000, "cbor2 (C)", large["cbor2_ns"] / 1000, "µs",
              "one payload copy: ≥ 2 GB/s", gigabytes_per_second >= 2)

    rpc = bench.probe("mux-rpc", 2000 if bench.quick else 20000)
    rpc_p50, echo_p50 = median(rpc["samples_us"]), median(rpc["echo_samples_us"])
    bench.row("codec", "file-op RPC through two muxes over a socketpair, p50 (caller on the receiving thread)",
              rpc_p50, "64 B echo over a socketpair", echo_p50, "µs", "≤ 20 µs", rpc_p50 <= 20)
    bench.row("codec", "file-op RPC through two muxes over a socketpair, p50 (caller on the cooperative pool)",
              median(rpc["pool_samples_us"]), "64 B echo over a socketpair", echo_p50, "µs", "—", None)


def replay_part(bench):
    recording = bench.work / "hour.cbor"
    if not recording.exists():
        frames = "--frames 200000" if bench.quick else ""
        bench.shell(f"python3 Recordings/make-synthetic-recording.py {frames} {recording}")
    replay = f"{bench.mproxy} replay --speed max"
    times = bench.compare("replay", [f"{replay} --from 59m {recording} >/dev/null", f"{replay} {recording} >/dev/null"],
                            runs=3 if bench.quick else 5, warmup=1)
    seek, whole = (median(run) for run in times)
    size = recording.stat().st_size / MIB
    bench.row("replay", f"seek to the last minute of a 1-hour recording ({size:.0f} MiB, incl. indexing)", seek,
              "play from the start (how Teleport seeks)", whole, "s", "≤ 1 s", seek <= 1)

    big = big_file(bench, "remote")
    record = bench.work / "recorded.cbor"
    # Each run records into a new file: truncating the previous run's 1 GiB file when the recorder
    # opens it takes 50-60 ms on tmpfs, which is the file system freeing pages, not recording.
    # The floor: the unrecorded transfer while another process writes as many bytes into the same
    # file system at 1 GiB/s (about the transfer's own rate), the page-cache work any recorder does.
    plain_command = bench.mproxy_exec(f"cat {big}", "-n") + " >/dev/null"
    paced = f"python3 scripts/bench_paced_write.py {record} {bench.big_size} 1024"
    times = bench.compare("record", [bench.mproxy_exec(f"cat {big}", f"-n --record {record}") + " >/dev/null",
                                       plain_command,
                                       f"{{ {paced} & writer=$!; {plain_command}; kill $writer 2>/dev/null; wait; }}"],
                            runs=bench.bulk_runs, warmup=0 if bench.quick else 1, prepare=f"rm -f {record}")
    recorded, plain, beside_writer = (mib_per_second(bench.big_size, run) for run in times)
    bench.rate("recording", "mproxy exec --record", recorded)
    bench.rate("recording", "mproxy exec", plain)
    bench.rate("recording", "mproxy exec beside a paced writer", beside_writer)
    bench.row("replay", f"recording overhead: exec stdout {bench.big_size // MIB} MiB with --record", recorded,
              "the same without --record", plain, "MiB/s", "≥ 0.95× (≤ 5 % loss)", recorded / plain >= 0.95,
              better="higher")
    bench.row("replay", f"the same without --record, beside a process writing {bench.big_size // MIB} MiB at 1 GiB/s "
              "into the same file system", beside_writer, "the same alone", plain, "MiB/s", "—", None,
              better="higher", note="the cost of the page-cache writes alone: the floor for any recorder here")
    record.unlink(missing_ok=True)


PARTS = {"exec": exec_part, "fs": fs_part, "codec": codec_part, "replay": replay_part}
