import { spawn } from 'node:child_process';
import type { KubeObject } from './kube-object';
import { JsonStreamSplitter } from './json-stream';
import type { Kubectl } from './kubectl';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

export interface WatchHandle {
  stop(): void;
}

/**
 * Starts a watch of one resource type in a namespace: the current objects arrive first (as ADDED),
 * then every change. `onEnd` is called when the stream ends on its own (the caller restarts it).
 */
export type Watcher = (
  resource: string,
  namespace: string,
  onEvent: (event: WatchEvent) => void,
  onEnd: (reason: string) => void,
) => WatchHandle;

/** A Watcher over `kubectl get --watch --output-watch-events -o json`, one long-lived process per resource. */
export function kubectlWatcher(kubectl: Kubectl): Watcher {
  return (resource, namespace, onEvent, onEnd) => {
    const child = spawn(
      kubectl.options.binary,
      [
        ...kubectl.globalArgs().filter((arg) => !arg.startsWith('--request-timeout')),
        'get',
        resource,
        '-n',
        namespace,
        '--watch',
        '--output-watch-events',
        '-o',
        'json',
      ],
      // Its own process group, so stopping it also ends whatever a kubectl wrapper script started.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let stopped = false;
    let stderr = '';
    const splitter = new JsonStreamSplitter((value) => {
      const event = value as Partial<WatchEvent>;
      if (event.type && event.object) onEvent(event as WatchEvent);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => splitter.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
    child.on('error', (error) => !stopped && onEnd(error.message));
    child.on(
      'close',
      (code) => !stopped && onEnd(`kubectl watch of ${resource} ended (exit ${code}) ${stderr.trim()}`),
    );
    return {
      stop: () => {
        stopped = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        child.stdout.destroy();
        child.stderr.destroy();
        child.unref();
      },
    };
  };
}
