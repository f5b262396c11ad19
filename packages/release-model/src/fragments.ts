import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigurationError } from '@alt-las/action-kit';
import { mergeReleaseManifests } from './merge';
import { readReleaseManifest, type ReleaseManifest } from './release-manifest';

function jsonFilesBelow(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return jsonFilesBelow(full);
      return entry.isFile() && entry.name.endsWith('.json') ? [full] : [];
    })
    .sort();
}

/**
 * Reads the release manifest a step was given: one file, or a directory of fragments written by matrix
 * legs (as downloaded artifacts lay them out), merged into one with conflicts refused.
 */
export function readReleaseManifestInput(location: string): ReleaseManifest {
  if (!fs.existsSync(location))
    throw new ConfigurationError(`release manifest ${location} does not exist`, 'release-manifest');
  if (!fs.statSync(location).isDirectory()) return readReleaseManifest(location);
  const files = jsonFilesBelow(location);
  if (files.length === 0) {
    throw new ConfigurationError(
      `${location} holds no release manifest fragments (*.json)`,
      'release-manifest',
    );
  }
  return mergeReleaseManifests(files.map((file) => ({ source: file, manifest: readReleaseManifest(file) })));
}
