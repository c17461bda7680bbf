// The profile settings (spatten.*) turned into the engine's request fields. A policy or hardware
// file is read here (size-limited, JSON), never executed; relative paths resolve against the first
// workspace folder. Workspace-level file paths only count in a trusted workspace: VS Code applies
// `restrictedConfigurations` for that, and the commands refuse to run at all until trust is given.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { InputError } from '../engine/errors';

const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export interface ProfileSettings {
  policy: string | Record<string, unknown>;
  hardware: string | Record<string, unknown>;
  generateTokens: number;
  maxTokens: number;
}

/**
 * Individual policy overrides: setting key (under spatten.policy.) -> field of the policy JSON.
 * Keep in step with package.json contributes.configuration.
 */
export const POLICY_OVERRIDE_FIELDS: Readonly<Record<string, string>> = {};

export function resolveSettingPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new InputError(file, 'a relative path needs an open workspace folder (give an absolute path)');
  return path.join(folder.uri.fsPath, file);
}

/** Reads a JSON object from a settings-referenced file; `setting` names the setting in errors. */
export async function readJsonObjectFile(setting: string, file: string): Promise<Record<string, unknown>> {
  const where = `${setting} (${file})`;
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new InputError(where, 'file not found or not readable');
  }
  if (size > MAX_CONFIG_FILE_BYTES) throw new InputError(where, `file is ${size} bytes, over the ${MAX_CONFIG_FILE_BYTES}-byte limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new InputError(where, `not valid JSON (${(e as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(where, 'must hold a JSON object');
  return parsed as Record<string, unknown>;
}

function policyOverrides(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(POLICY_OVERRIDE_FIELDS)) {
    const value = config.get<unknown>(`policy.${key}`);
    if (value !== undefined && value !== null) out[field] = value;
  }
  return out;
}

export async function readProfileSettings(): Promise<ProfileSettings> {
  const config = vscode.workspace.getConfiguration('spatten');
  const policyFile = config.get<string>('policy.file', '').trim();
  const hardwareFile = config.get<string>('hardware.file', '').trim();
  const policyPreset = config.get<string>('policy.preset', 'paper-gpt2-small');
  const overrides = policyOverrides(config);
  let policy: string | Record<string, unknown> = policyPreset;
  if (policyFile) policy = await readJsonObjectFile('spatten.policy.file', resolveSettingPath(policyFile));
  if (Object.keys(overrides).length > 0) {
    policy = typeof policy === 'string' ? { extends: policy, ...overrides } : { ...policy, ...overrides };
  }
  const hardware = hardwareFile
    ? await readJsonObjectFile('spatten.hardware.file', resolveSettingPath(hardwareFile))
    : config.get<string>('hardware.preset', 'spatten-1x');
  return {
    policy,
    hardware,
    generateTokens: config.get<number>('generateTokens', 0),
    maxTokens: config.get<number>('maxTokens', 256),
  };
}
