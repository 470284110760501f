#!/usr/bin/python3
"""Where one crashlab-fuse life's fixed cost goes, traced with strace.

Usage: scripts/fuse-life-stages.py PATH/crashlab-fuse [LIVES] [PATH/other-crashlab-fuse]

Each life: the daemon starts on a fresh directory in /dev/shm with the undo journal on, mounts,
starts a Python program that lists the mount, appends and fsyncs 100 bytes and prints `ready`;
then SIGTERM (the harness's fence) and the daemon's exit. strace -f -tt (seccomp filtered to a
few calls, so the daemon runs at nearly its own speed) times, from the daemon's execve: its
mount(2), the backend's execve, the backend's first open on the mount; and from the fence's
SIGKILL to the daemon's exit. Prints the medians. With a second daemon, the two alternate
life by life, so both see the same load. Needs root, /dev/fuse and strace.
"""
import os, shutil, signal, statistics, subprocess, sys, tempfile

PROGRAM = ("import os,sys; d=os.environ['CRASHLAB_DATA_DIR']; os.listdir(d); f=open(d+'/wal.log','ab'); "
           "f.write(b'x'*100); f.flush(); os.fsync(f.fileno()); print('ready', flush=True); sys.stdin.readline()")


def seconds(clock):
    h, m, s = clock.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s)


def one_life(fuse, log):
    data, trace = tempfile.mkdtemp(dir='/dev/shm', prefix='fuse-life-'), tempfile.mkdtemp(dir='/dev/shm', prefix='fuse-life-trace-')
    try:
        strace = subprocess.Popen(["strace", "-f", "-tt", "--seccomp-bpf", "-e", "trace=execve,mount,umount2,exit_group,syncfs,kill,openat", "-o", log,
                                   fuse, "run", "--", "/usr/bin/python3", "-c", PROGRAM],
                                  env=dict(os.environ, CRASHLAB_DATA_DIR=data, CRASHLAB_TRACE_DIR=trace),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True)
        if strace.stdout.readline().strip() != b'ready':
            raise SystemExit(f"{fuse}: the backend never printed ready (see {log})")
        daemon = int(open(f"/proc/{strace.pid}/task/{strace.pid}/children").read().split()[0])
        os.kill(daemon, signal.SIGTERM)
        if strace.wait() != 137:
            raise SystemExit(f"{fuse}: the daemon did not end as a killed backend (see {log})")
        return stages(log)
    finally:
        shutil.rmtree(data)
        shutil.rmtree(trace)


def stages(log):
    lines = [line.split(None, 2) for line in open(log).read().splitlines()]
    daemon, start, seen = lines[0][0], seconds(lines[0][1]), {}
    for pid, clock, call in lines:
        at = seconds(clock)
        if call.startswith('mount('):
            seen.setdefault('mount', at)
        if pid != daemon and 'execve(' in call:
            seen.setdefault('backend exec', at)
        if pid != daemon and 'openat(' in call and '/crashlab-fuse/' in call:
            seen.setdefault('first request', at)
        if 'kill(' in call and 'SIGKILL) = 0' in call:
            seen.setdefault('fence', at)
        if pid == daemon and call.startswith('exit_group('):
            seen['exit'] = at
    return {'mount(2)': seen['mount'] - start, "backend's execve": seen['backend exec'] - start,
            "backend's first open on the mount": seen['first request'] - start, 'fence SIGKILL to exit': seen['exit'] - seen['fence']}


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    daemons = [sys.argv[1]] + sys.argv[3:4]
    lives = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    logs = tempfile.mkdtemp(prefix='fuse-life-strace-')
    results = {fuse: [] for fuse in daemons}
    for i in range(lives):
        for fuse in daemons if i % 2 == 0 else reversed(daemons):
            results[fuse].append(one_life(fuse, os.path.join(logs, f"{len(results[fuse])}-{daemons.index(fuse)}.strace")))
    for fuse, lives_seen in results.items():
        print(f"{fuse} ({len(lives_seen)} lives, medians; the first three from the daemon's execve):")
        for stage in lives_seen[0]:
            print(f"  {stage:36s} {1000 * statistics.median(life[stage] for life in lives_seen):7.1f} ms")
    shutil.rmtree(logs)


if __name__ == '__main__':
    main()
