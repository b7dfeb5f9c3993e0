/*
 * The status line under the prompt: what a Plan 9 user glances at — the system's name,
 * the current directory, the nested session the terminal is in (newns, admin, a
 * rerootwin's root), the namespace's root when it is not the host's, background jobs
 * still running (the $apids not yet waited for and not yet finished), and the last
 * command's status when it failed.
 *
 * A job is a promise in the root proc's job table; Jobs watches each one once and calls
 * back when one settles, so the line changes while the user is typing.
 */
import * as os from 'node:os';
import type { Proc } from '../proc.js';

export class Jobs {
  private watched = new WeakSet<Promise<string>>();
  private done = new WeakSet<Promise<string>>();

  constructor(private readonly changed: () => void) {}

  /** The pids of jobs still running. */
  running(p: Proc): number[] {
    const pids: number[] = [];
    for (const [pid, job] of p.jobs) {
      if (!this.watched.has(job)) {
        this.watched.add(job);
        const settle = () => {
          this.done.add(job);
          this.changed();
        };
        job.then(settle, settle);
      }
      if (!this.done.has(job)) pids.push(pid);
    }
    return pids;
  }
}

export interface StatusInfo {
  sysname: string;
  cwd: string;
  /** The nested session the terminal is in (Shell.interact's label), else ''. */
  label?: string;
  /** The namespace's root source when rerooted ($rootsrc) or booted with --root, else ''. */
  root: string;
  /** The --root session's root has hung up. */
  hungup?: boolean;
  jobs: number[];
  status: string;
}

export function statusInfo(p: Proc, jobs: Jobs, label = ''): StatusInfo {
  return {
    sysname: p.get('sysname')[0] || os.hostname(),
    cwd: p.cwd,
    label,
    root: p.get('rootsrc')[0] ?? p.m.kernel?.boot?.src ?? '',
    hungup: p.get('rootsrc').length === 0 && p.m.kernel?.boot?.client?.hungup === true,
    jobs: jobs.running(p),
    status: p.status,
  };
}

/** The line as text no wider than width: fields separated by ' · ', the cwd shortened first. */
export function statusText(s: StatusInfo, width: number): string {
  const tail: string[] = [];
  if (s.label) tail.push(s.label);
  // A rerootwin session may be labelled with its root already.
  if (s.root && s.label !== `root ${s.root}`) tail.push(`root ${s.root}${s.hungup ? ' (hung up)' : ''}`);
  if (s.jobs.length === 1) tail.push(`job ${s.jobs[0]}`);
  else if (s.jobs.length > 1) tail.push(`${s.jobs.length} jobs`);
  // A failure as rc judges one: a status of only 0s and |s (a pipeline's `|`) is success.
  if (!/^[0|]*$/.test(s.status)) tail.push(`status ${s.status}`);
  const sep = ' · ';
  const fixed = s.sysname.length + sep.length + tail.reduce((n, t) => n + sep.length + t.length, 0);
  let cwd = s.cwd;
  const room = width - 1 - fixed;
  if (cwd.length > room) {
    // Keep the end, from a slash when one is in reach: …/src/ants, not …enda/src/ants.
    let tail = room > 1 ? cwd.slice(cwd.length - room + 1) : '';
    const k = tail.indexOf('/');
    if (k > 0) tail = tail.slice(k);
    cwd = tail === '' ? '' : '…' + tail;
  }
  const line = [s.sysname, cwd, ...tail].filter((x) => x !== '').join(sep);
  return line.length > width - 1 ? line.slice(0, Math.max(0, width - 1)) : line;
}
