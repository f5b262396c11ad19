// A stand-in `docker` CLI for the docker path of build-services. There is no Docker engine on the
// test machines, so this fake records every command line and answers with output in the format the
// real docker 28 / buildx 0.2x CLI prints (version, buildx inspect, build errors, metadata file).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FakeDockerOptions {
  /** OCI archive copied to the `dest` of `--output type=oci`. */
  archive: string;
  /** Digest written to the metadata file (the archive's own, unless a test wants a mismatch). */
  digest: string;
  engine?: 'up' | 'down';
  /** Driver of the current builder, as `docker buildx inspect` shows it. */
  driver?: string;
  /** Makes the build of this target fail with BuildKit's error output blaming `failLine`. */
  failTarget?: string;
  failLine?: number;
}

const SCRIPT = String.raw`
const fs = require('node:fs');
const args = process.argv.slice(2);
const options = JSON.parse(process.env.FAKE_DOCKER_OPTIONS);
fs.appendFileSync(process.env.FAKE_DOCKER_LOG, JSON.stringify(args) + '\n');
const value = (flag) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : undefined; };
const command = args.slice(0, 2).join(' ');
if (args[0] === 'version') {
  if (options.engine === 'down') {
    process.stderr.write('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n');
    process.exit(1);
  }
  process.stdout.write('28.2.2\n');
} else if (command === 'buildx version') {
  process.stdout.write('github.com/docker/buildx v0.24.0 d0e5e86\n');
} else if (command === 'buildx inspect') {
  process.stdout.write('Name:          default\nDriver:        ' + (options.driver || 'docker') + '\nLast Activity: 2026-01-01 00:00:00 +0000 UTC\n\nNodes:\nName:             default\nEndpoint:         default\nStatus:           running\nBuildKit version: v0.22.0\n');
} else if (command === 'buildx create') {
  process.stdout.write(value('--name') + '\n');
} else if (command === 'buildx rm') {
  process.stdout.write(args[2] + ' removed\n');
} else if (command === 'buildx build') {
  const target = value('--target');
  if (options.failTarget && target === options.failTarget) {
    process.stdout.write('#9 [test 3/3] RUN ["/bin/busybox", "sh", "/test/run.sh"]\n#9 0.211 FAIL health: expected 200\n#9 ERROR: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1\n');
    process.stderr.write('Dockerfile:' + options.failLine + '\n--------------------\n' + '  ' + options.failLine + ' | >>> RUN ["/bin/busybox", "sh", "/test/run.sh"]\n--------------------\nERROR: failed to solve: process "/bin/busybox sh /test/run.sh" did not complete successfully: exit code: 1\n');
    process.exit(1);
  }
  const output = value('--output');
  if (output.startsWith('type=oci,')) {
    const dest = /dest=([^,]+)/.exec(output)[1];
    fs.copyFileSync(options.archive, dest);
    const metadata = value('--metadata-file');
    fs.writeFileSync(metadata, JSON.stringify({
      'buildx.build.ref': 'alt-las-build-1/alt-las-build-10/kz1r6ubs3v0a8k1ehh3u3gxwo',
      'containerimage.config.digest': 'sha256:' + 'c'.repeat(64),
      'containerimage.descriptor': { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: options.digest, size: 1 },
      'containerimage.digest': options.digest,
    }));
  }
  process.stdout.write('#0 building with "default" instance using docker-container driver\n#12 DONE 0.1s\n');
} else {
  process.stderr.write('fake docker: unexpected command ' + args.join(' ') + '\n');
  process.exit(2);
}
`;

/** Writes the fake as `<dir>/bin/docker`; returns the PATH entry and the env it reads. */
export function installFakeDocker(dir: string, options: FakeDockerOptions) {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const file = path.join(bin, 'docker');
  fs.writeFileSync(file, `#!${process.execPath}\n${SCRIPT}`, { mode: 0o755 });
  const log = path.join(dir, 'docker-commands.jsonl');
  fs.writeFileSync(log, '');
  return {
    bin,
    env: { FAKE_DOCKER_LOG: log, FAKE_DOCKER_OPTIONS: JSON.stringify(options) },
    commands: (): string[][] =>
      fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
  };
}
