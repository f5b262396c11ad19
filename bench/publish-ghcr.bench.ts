// Publishes the four ALT_LAS example images (generated: ~30 MB each, five layers, a shared base) with
// the publish-ghcr bundle, against `skopeo copy oci-archive:` of the same archives one after another,
// to the same docker-registry in one run. Then re-publishes the unchanged release.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '../action-tests/harness/paths';
import { runAction } from '../action-tests/harness/run-action';
import { startRegistry, writeOciArchive } from '../action-tests/harness/registry';
import { writeManifest, type FixtureImage } from '../action-tests/publish-ghcr/helpers';
import type { BenchmarkResult } from './run';

const SERVICES = ['api-gateway', 'segmentation-service', 'ai-orchestrator', 'archive-service'];
const MAX_RATIO = 0.8;
const MAX_REPUBLISH_MS = 300;
const MB = 1024 * 1024;

const exec = promisify(execFile);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

export default async function bench(): Promise<BenchmarkResult> {
  const dir = makeTempDir('alt-las-bench-publish');
  const registry = await startRegistry({ auth: 'none', tls: false });
  try {
    const base = crypto.randomBytes(8 * MB);
    const images: FixtureImage[] = SERVICES.map((name) => {
      const layers = [base, ...[6, 5, 4, 3].map((mb) => crypto.randomBytes(mb * MB))].map((data, i) => [
        { name: `layer-${i}.bin`, data },
      ]);
      const file = path.join(dir, `${name}.tar`);
      return { name, archive: file, digest: writeOciArchive(file, layers, name).digest };
    });
    const totalMb = images.reduce((sum, image) => sum + fs.statSync(image.archive).size, 0) / MB;

    const peerStarted = Date.now();
    for (const image of images) {
      await exec('skopeo', [
        'copy',
        '--quiet',
        '--dest-tls-verify=false',
        `oci-archive:${image.archive}`,
        `docker://${registry.host}/peer/alt-las-${image.name}:1.0.0`,
      ]);
    }
    const peerMs = Date.now() - peerStarted;

    const manifest = writeManifest(dir, images);
    const inputs = {
      'release-manifest': manifest,
      registry: `http://${registry.host}`,
      namespace: 'suite',
      token: '',
    };
    const first = await runAction('publish-ghcr', { inputs, workspace: dir });
    if (first.exitCode !== 0) throw new Error(`publish failed:\n${first.stdout}\n${first.stderr}`);
    const again = await runAction('publish-ghcr', { inputs, workspace: dir });
    if (again.exitCode !== 0) throw new Error(`re-publish failed:\n${again.stdout}\n${again.stderr}`);

    const ratio = first.durationMs / peerMs;
    return {
      name: 'publish-ghcr: four images to docker-registry vs skopeo copy oci-archive:',
      lines: [
        `images: ${images.length}, ${totalMb.toFixed(1)} MiB of archives, 5 layers each (one shared base)`,
        `skopeo copy, one image after another: ${seconds(peerMs)}`,
        `publish-ghcr (whole action, all tags): ${seconds(first.durationMs)}`,
        `ratio: ${ratio.toFixed(2)} (target <= ${MAX_RATIO})`,
        `re-publish unchanged release: ${first.durationMs > 0 ? again.durationMs : 0}ms (target < ${MAX_REPUBLISH_MS}ms)`,
      ],
      metTargets: ratio <= MAX_RATIO && again.durationMs < MAX_REPUBLISH_MS,
    };
  } finally {
    await registry.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
