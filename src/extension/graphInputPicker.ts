// "Profile Model" on a model without a token input (vision, OCR, audio transformers): instead of a
// text, each tensor input is given as a .npy file (showOpenDialog) or a shape filled with seeded
// synthetic values (showInputBox, prefilled with the declared shape, a leading batch dim as 1).
import * as vscode from 'vscode';
import type { GraphInputSpec } from '../engine/profileRequest';
import type { ModelDescription } from '../engine/modelDescription';

type TensorInput = ModelDescription['tensorInputs'][number];

const SHAPE = /^\d+(,\d+)*$/;

/** The declared shape with the batch as 1 and other symbolic dims left as their names (to be typed over). */
function prefilledShape(input: TensorInput): string {
  return input.dims.map((d, i) => (/^\d+$/.test(d) ? d : i === 0 && input.dims.length >= 2 ? '1' : d)).join(',');
}

async function askShape(input: TensorInput, step: string): Promise<GraphInputSpec | undefined> {
  const value = await vscode.window.showInputBox({
    title: `SpAtten: Profile Model (${step})`,
    prompt: `Shape of '${input.name}' (${input.elemType}[${input.dims.join(', ')}]), e.g. 1,3,48,320: filled with seeded synthetic values`,
    value: prefilledShape(input),
    ignoreFocusOut: true,
    validateInput: (v) => (SHAPE.test(v.trim()) ? undefined : 'comma-separated whole numbers, one per dim'),
  });
  return value === undefined ? undefined : { shape: value.trim().split(',').map(Number) };
}

async function askNpy(input: TensorInput): Promise<GraphInputSpec | undefined> {
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'NumPy array': ['npy'] }, title: `Values of '${input.name}' (${input.elemType}[${input.dims.join(', ')}])` });
  return files?.[0] ? { npy: files[0].fsPath } : undefined;
}

/** One .npy or shape per tensor input; undefined when the user cancels any of them. */
export async function pickGraphInputs(description: ModelDescription, step: string): Promise<Record<string, GraphInputSpec> | undefined> {
  const out: Record<string, GraphInputSpec> = {};
  for (const input of description.tensorInputs) {
    const how = await vscode.window.showQuickPick(
      [
        { label: '$(symbol-array) Synthetic values of a shape…', description: 'seeded, reproducible', value: 'shape' as const },
        { label: '$(file) .npy file…', description: 'NumPy array (float32/64, int32/64, uint8, bool)', value: 'npy' as const },
      ],
      { title: `SpAtten: Profile Model (${step})`, placeHolder: `The model has no token input: values of '${input.name}' (${input.elemType}[${input.dims.join(', ')}])`, ignoreFocusOut: true },
    );
    if (!how) return undefined;
    const spec = how.value === 'shape' ? await askShape(input, step) : await askNpy(input);
    if (!spec) return undefined;
    out[input.name] = spec;
  }
  return out;
}
