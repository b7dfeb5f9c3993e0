/*
 * The registry of hub hosts: $NAMESPACE/hubs, a line `NAME pid` per host (shell/hubd.ts),
 * added when it starts serving and taken out when it ends. `hub -l` reads it and shows
 * only the hosts whose pid is alive and whose socket is there, so a host that died
 * without cleaning up is never listed, and no /srv entry is ever mounted to find out
 * (a dead server there could hang the lister).
 */
import fs from 'node:fs';
import nodePath from 'node:path';
import { dropLock, pidAlive, takeLock } from './spawnd.js';

export const HUB_REGISTRY = 'hubs';

export interface HubEntry {
  name: string;
  pid: number;
}

function entries(dir: string): HubEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(nodePath.join(dir, HUB_REGISTRY), 'utf8');
  } catch {
    return [];
  }
  const out: HubEntry[] = [];
  for (const l of text.split('\n')) {
    const [name, pid] = l.trim().split(/\s+/);
    if (name && /^[0-9]+$/.test(pid ?? '')) out.push({ name, pid: Number(pid) });
  }
  return out;
}

const LOCK = HUB_REGISTRY + '.lock';

/**
 * Rewrite the registry as keep says, whole (written aside and renamed over, so a reader
 * never sees half), under a lock so hosts starting together do not lose each other's lines.
 */
function rewrite(dir: string, keep: (e: HubEntry) => boolean, add?: HubEntry): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let locked = false;
  for (let i = 0; i < 100 && !(locked = takeLock(dir, LOCK)); i++) Atomics.wait(pause, 0, 0, 5);
  try {
    update(dir, keep, add);
  } finally {
    if (locked) dropLock(dir, LOCK);
  }
}

function update(dir: string, keep: (e: HubEntry) => boolean, add?: HubEntry): void {
  const list = entries(dir).filter((e) => keep(e) && pidAlive(e.pid));
  if (add) list.push(add);
  const file = nodePath.join(dir, HUB_REGISTRY);
  const tmp = `${file}.${process.pid}`;
  try {
    fs.writeFileSync(tmp, list.map((e) => `${e.name} ${e.pid}\n`).join(''), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

export function hubRegister(dir: string, name: string, pid: number): void {
  rewrite(dir, (e) => e.name !== name, { name, pid });
}

export function hubUnregister(dir: string, name: string, pid: number): void {
  rewrite(dir, (e) => !(e.name === name && e.pid === pid));
}

/** The hosts registered in dir that are alive and still have their socket. */
export function liveHubs(dir: string): HubEntry[] {
  return entries(dir).filter((e) => pidAlive(e.pid) && fs.existsSync(nodePath.join(dir, e.name)));
}

/** A hub or group name: one file name, short, no control characters. */
export function validGroup(g: string): boolean {
  return g !== '' && g !== '.' && g !== '..' && g.length <= 64 && !/[/\x00-\x20\x7f]/.test(g);
}
