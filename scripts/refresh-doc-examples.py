#!/usr/bin/env python3
"""Re-runs every example in the given Markdown files and pastes its real output back.

Each ```console block holds commands (lines starting with "$ ") each followed by its output.
A document's commands run in order, in a scratch folder where `data` is the repository's data
and `stackplan` is the built binary, so examples that build on one another (import, then plan)
stay true. `$ echo $?` prints the previous command's exit code. A fenced block right after
`<!-- file: NAME -->` is written to NAME in the scratch folder before the commands after it run. With --imported, the bundled
catalogue is imported into the scratch database first, for documents that take it as given.
With --check, nothing is written: each example whose output differs is listed with its line and
a diff, and the exit code is 1 when any differs (`make docs-check`, run by `make test`).
"""
import difflib, os, re, shutil, subprocess, sys, tempfile, threading, time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(REPO, ".build", "debug", "stackplan")
# No example takes long; one that runs past this has hung, and the page is reported, not waited on.
EXAMPLE_TIMEOUT_SECONDS = 300


def commands_and_outputs(block_lines):
    """Splits a console block into (command lines, output lines) pairs."""
    items, i = [], 0
    while i < len(block_lines):
        line = block_lines[i]
        if not line.startswith("$ "):
            i += 1
            continue
        command = [line[2:]]
        heredoc = re.search(r"<<-?'?(\w+)'?", line)
        i += 1
        # A command continued with a trailing backslash, or inside an open quote, goes on over the next lines.
        while (command[-1].endswith("\\") or "\n".join(command).count("'") % 2 == 1) and i < len(block_lines):
            command.append(block_lines[i])
            i += 1
        if heredoc:
            while i < len(block_lines) and block_lines[i] != heredoc.group(1):
                command.append(block_lines[i])
                i += 1
            command.append(block_lines[i] if i < len(block_lines) else heredoc.group(1))
            i += 1
        output = []
        while i < len(block_lines) and not block_lines[i].startswith("$ "):
            output.append(block_lines[i])
            i += 1
        items.append((command, output))
    return items


# Figures that depend on the machine and the moment (times, rates, memory): compared with
# their digits masked, so that only a real change of output counts as a difference.
VOLATILE = [
    (re.compile(r'"(\w*Seconds)"\s*:\s*[0-9.]+'), r'"\1":#'),
    (re.compile(r'checked in [0-9.]+ s \([0-9,]+ records/s\)'), 'checked in # s (# records/s)'),
    (re.compile(r'peak resident memory [0-9.]+ MiB'), 'peak resident memory # MiB'),
]


def normalised(lines):
    result = []
    for line in lines:
        for pattern, replacement in VOLATILE:
            line = pattern.sub(replacement, line)
        result.append(line)
    return result


def refresh(path, check, imported):
    text = open(path).read()
    scratch = tempfile.mkdtemp(prefix="stackplan-docs-")
    # The repository's own folders are visible, as if the examples ran from its root.
    for entry in ("data", "docs", "Tests"):
        os.symlink(os.path.join(REPO, entry), os.path.join(scratch, entry))
    bin_dir = os.path.join(scratch, "bin")
    os.mkdir(bin_dir)
    os.symlink(BINARY, os.path.join(bin_dir, "stackplan"))
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"])
    env.pop("STACKPLAN_DB", None)
    last_status = 0
    changed = 0
    # One shell for the whole document, so variables and files carry from one example to the next.
    shell = subprocess.Popen(["bash"], cwd=scratch, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, bufsize=1)
    marker = "__stackplan_example_done__"

    def run(source):
        shell.stdin.write(source + f"\necho {marker} $?\n")
        shell.stdin.flush()
        lines = []
        watchdog = threading.Timer(EXAMPLE_TIMEOUT_SECONDS, shell.kill)
        watchdog.start()
        try:
            for line in shell.stdout:
                if line.startswith(marker):
                    return int(line.split()[1]), lines
                lines.append(line.rstrip("\n"))
        finally:
            watchdog.cancel()
        shutil.rmtree(scratch, ignore_errors=True)
        sys.exit(f"{path}: an example ran past {EXAMPLE_TIMEOUT_SECONDS} s or ended the shell: {source}")

    if imported:
        run("stackplan import data/catalogue.json > /dev/null")

    def run_block(match):
        nonlocal last_status, changed
        lines = match.group(3).split("\n")
        # Line of the block's first line in the page, for the report.
        block_line = text.count("\n", 0, match.start(3)) + 1
        out = []
        for command, old_output in commands_and_outputs(lines):
            source = "\n".join(command)
            if source.strip() == "echo $?":
                new_output = [str(last_status)]
            else:
                last_status, new_output = run(source)
                while new_output and new_output[-1] == "":
                    new_output.pop()
            if normalised(new_output) != normalised(old_output):
                changed += 1
                if check:
                    line = block_line + lines.index("$ " + command[0])
                    print(f"{path}:{line}: $ {command[0]}")
                    diff = list(difflib.unified_diff(old_output, new_output, "documented", "printed", lineterm="", n=1))
                    for diff_line in diff[2:42]:
                        print("    " + diff_line)
                    if len(diff) > 42:
                        print(f"    ... {len(diff) - 42} more diff lines")
            out.append("$ " + command[0])
            out.extend(command[1:])
            out.extend(new_output if normalised(new_output) != normalised(old_output) else old_output)
        return "```console\n" + "\n".join(out) + "\n```"

    def run_piece(match):
        if match.group("file"):
            with open(os.path.join(scratch, match.group("file")), "w") as handle:
                handle.write(match.group("content") + "\n")
            return match.group(0)
        return run_block(match)

    pattern = r"<!-- file: (?P<file>[^ ]+) -->\n```\w*\n(?P<content>.*?)\n```|```console\n(.*?)\n```"
    new_text = re.sub(pattern, run_piece, text, flags=re.S)
    shell.stdin.close()
    shell.wait()
    shutil.rmtree(scratch, ignore_errors=True)
    if not check and new_text != text:
        open(path, "w").write(new_text)
    return changed


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    imported = "--imported" in sys.argv
    if not os.path.exists(BINARY):
        sys.exit("build first: swift build --product stackplan")
    total = 0
    for path in args:
        started = time.monotonic()
        changed = refresh(path, check, imported)
        total += changed
        print(f"{path}: {changed} example(s) {'differ' if check else 'updated'} ({time.monotonic() - started:.0f} s)")
    sys.exit(1 if check and total else 0)


if __name__ == "__main__":
    main()
