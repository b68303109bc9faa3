"""Turns a scripts/bench run into its table (text and Markdown) and its plots (PNG, matplotlib)."""
import pathlib


def number(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def met_text(met):
    return "n/a" if met is None else ("yes" if met else "**no**")


def ratio_text(row):
    if row["ratio"] is None:
        return "—"
    return f"{row['ratio']:.2f}×"


def cells(row):
    peer = row["peer_name"] if row["peer"] is None else f"{row['peer_name']}: {number(row['peer'])} {row['unit']}"
    return [row["what"], f"{number(row['mproxy'])} {row['unit']}", peer, ratio_text(row), row["target"],
            met_text(row["met"]).replace("**", "")]


def format_row_text(row):
    what, mproxy, peer, ratio, target, met = cells(row)
    return f"{what}: mproxy {mproxy}, peer {peer}, ratio {ratio}, target {target}, met: {met}"


def table_text(rows):
    header = ["what", "mproxy", "peer", "ratio", "target", "met?"]
    table = [header] + [cells(row) for row in rows]
    widths = [min(60, max(len(line[column]) for line in table)) for column in range(len(header))]
    return "\n".join("  ".join(cell[:60].ljust(width) for cell, width in zip(line, widths)).rstrip()
                     for line in table)


def table_markdown(rows):
    lines = ["| part | what | mproxy | peer | ratio (mproxy / peer) | target | met? |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        what, mproxy, peer, ratio, target, _ = cells(row)
        direction = "" if row["ratio"] is None else (" (time)" if row["better"] == "lower" else " (rate)")
        what, peer = what.replace("|", "\\|"), peer.replace("|", "\\|")
        lines.append(f"| {row['part']} | {what} | {mproxy} | {peer} | {ratio}{direction} | {target} | "
                     f"{met_text(row['met'])} |")
    return "\n".join(lines)


def machine_markdown(machine):
    return "\n".join([
        f"- Run: {machine['date']}, commit {machine['commit']}, {machine['mode']} mode, "
        f"{machine.get('duration_seconds', '?')} s; load average at start {machine['load_average_at_start']:.1f}",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, {machine['os']}, "
        f"Linux {machine['kernel']}",
        f"- Tools: {machine['openssh']}; libssh {machine['libssh']}; {machine['sshfs']}; {machine['swift']}",
        f"- Server: throwaway loopback sshd, cipher {machine['cipher']} for every client; files on tmpfs",
    ])


def write(document, results):
    """Writes results.md and the plots into `results` (a directory)."""
    results = pathlib.Path(results)
    plots = write_plots(document, results)
    text = ["# mproxy benchmark results", "", machine_markdown(document["machine"]), "",
            table_markdown(document["rows"]), ""]
    for plot in plots:
        text += [f"![{plot.stem}]({plot.name})", ""]
    (results / "results.md").write_text("\n".join(text))


def write_plots(document, results):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        print("scripts/bench: matplotlib is missing (python3-matplotlib); no plots")
        return []
    written = []
    distributions = document["distributions"]
    if distributions:
        groups = {}
        for name, distribution in distributions.items():
            groups.setdefault(name.split(":")[0], []).append((name.split(":", 1)[1].strip(), distribution))
        figure, axes = pyplot.subplots(len(groups), 1, figsize=(9, 1.6 + 1.3 * sum(map(len, groups.values()))),
                                       squeeze=False)
        for axis, (title, entries) in zip(axes[:, 0], groups.items()):
            axis.boxplot([entry[1]["samples"] for entry in entries], vert=False, whis=(5, 95), showfliers=False,
                         labels=[entry[0] for entry in entries])
            axis.set_title(title, fontsize=10)
            axis.set_xlabel(entries[0][1]["unit"] + " (box: p25–p75, line: p50, whiskers: p5–p95)", fontsize=8)
            axis.set_xlim(left=0)
            axis.tick_params(labelsize=8)
        figure.tight_layout()
        path = results / "latency.png"
        figure.savefig(path, dpi=110)
        pyplot.close(figure)
        written.append(path)
    throughput = document["throughput"]
    if throughput:
        comparisons = list(dict.fromkeys(entry["comparison"] for entry in throughput))
        figure, axis = pyplot.subplots(figsize=(9, 1 + 0.45 * len(throughput)))
        labels, values, colours = [], [], []
        for comparison in comparisons:
            for entry in (entry for entry in throughput if entry["comparison"] == comparison):
                labels.append(f"{comparison}: {entry['tool']}")
                values.append(entry["mib_per_second"])
                colours.append("tab:blue" if entry["tool"].startswith("mproxy") else "tab:gray")
        positions = range(len(labels))
        axis.barh(list(positions), values, color=colours)
        axis.set_yticks(list(positions), labels, fontsize=8)
        axis.invert_yaxis()
        axis.set_xlabel("MiB/s (median, including connection setup)")
        for position, value in zip(positions, values):
            axis.text(value, position, f" {value:.0f}", va="center", fontsize=8)
        figure.tight_layout()
        path = results / "throughput.png"
        figure.savefig(path, dpi=110)
        pyplot.close(figure)
        written.append(path)
    return written
