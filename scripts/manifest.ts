// The choices the manifest and the policy schema offer, generated from the engine's registries, so
// a preset is added in one place (its registry) and `npm run manifest` writes the rest:
//   package.json            spatten.policy.preset enum (auto + the policy presets),
//                           spatten.hardware.preset enum and enumDescriptions (the hardware presets)
//   media/schema/policy.schema.json   "extends" enum (auto + the policy presets)
// `npm run manifest -- --check` exits 1 naming the stale files; manifestRegistries.test.ts fails
// the same way, so CI catches a registry change whose manifest was not regenerated.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { hardwarePresets } from '../src/engine/hardware/hardwarePresets';
import { peakBandwidthBytesPerSecond } from '../src/engine/hardware/hardwareConfig';
import { POLICY_PRESET_NAMES } from '../src/engine/spatten/policy';
import { AUTO_POLICY } from '../src/engine/spatten/autoPolicy';

export interface GeneratedFile {
  /** Relative to the repository root. */
  path: string;
  /** The file's text as the registries say it should be. */
  text: string;
}

const policyChoices = (): string[] => [AUTO_POLICY, ...POLICY_PRESET_NAMES];

function hardwareDescription(name: string): string {
  const hw = hardwarePresets[name];
  const gbps = peakBandwidthBytesPerSecond(hw) / 1e9;
  return `${hw.qkMultipliers} Q·K and ${hw.pvMultipliers} prob·V multipliers at ${hw.clockHz / 1e9} GHz, ${hw.hbmChannels} HBM channels (${gbps} GB/s peak), ${hw.topKComparators} top-k comparators`;
}

function packageJson(text: string): string {
  const pkg = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, Record<string, unknown>> } } };
  const settings = pkg.contributes.configuration.properties;
  settings['spatten.policy.preset'].enum = policyChoices();
  const hardware = Object.keys(hardwarePresets);
  settings['spatten.hardware.preset'].enum = hardware;
  settings['spatten.hardware.preset'].enumDescriptions = hardware.map(hardwareDescription);
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** The policy schema is laid out by hand: only the "extends" enum's array is rewritten. */
function policySchema(text: string): string {
  const extendsEnum = /("extends":\s*\{\s*"enum":\s*)\[[^\]]*\]/;
  if (!extendsEnum.test(text)) throw new Error('media/schema/policy.schema.json: no "extends": { "enum": [...] } to generate');
  return text.replace(extendsEnum, `$1${JSON.stringify(policyChoices()).replace(/,/g, ', ')}`);
}

const GENERATORS: Record<string, (text: string) => string> = {
  'package.json': packageJson,
  'media/schema/policy.schema.json': policySchema,
};

/** Every generated file as it should read, from the files under `root`. */
export function generatedManifestFiles(root: string): GeneratedFile[] {
  return Object.entries(GENERATORS).map(([file, generate]) => ({ path: file, text: generate(readFileSync(path.join(root, file), 'utf8')) }));
}

function main(): void {
  const root = path.resolve(__dirname, '..');
  const check = process.argv.includes('--check');
  const stale = generatedManifestFiles(root).filter((f) => readFileSync(path.join(root, f.path), 'utf8') !== f.text);
  if (check) {
    for (const f of stale) console.error(`${f.path} is stale: run npm run manifest`);
    process.exitCode = stale.length > 0 ? 1 : 0;
    return;
  }
  for (const f of stale) {
    writeFileSync(path.join(root, f.path), f.text);
    console.log(`wrote ${f.path}`);
  }
}

if (require.main === module) main();
