import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { isSpec, type Spec } from '../../properties/index.ts';
import { SpecwatchError } from '../errors.ts';

const MAX_TYPE_ERRORS = 10;
const WHERE_SPECS_LIVE = "A spec's imports resolve from its own folder: keep it in the specwatch repository or in a project that has specwatch installed.";

const invalid = (message: string, path: string, cause?: unknown): SpecwatchError =>
  new SpecwatchError(message, { code: 'SPEC_INVALID', cause, context: { spec: path } });

/**
 * Type-checks a spec file (and what it imports) as strict TypeScript; returns readable errors.
 * The compiler is loaded here, not with the CLI: it costs every command about 200 MB otherwise.
 */
export async function typeErrors(path: string): Promise<string[]> {
  const { default: ts } = await import('typescript');
  const program = ts.createProgram([path], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true, skipLibCheck: true, types: [], lib: ['lib.es2023.d.ts'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file === undefined || !d.file.fileName.includes('/node_modules/'));
  return diagnostics.slice(0, MAX_TYPE_ERRORS).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
    if (d.file === undefined || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${text}`;
  });
}

/**
 * Loads a spec: a .ts (or .js) module whose default export is `defineSpec(...)`. Every way this
 * can fail becomes a SPEC_INVALID error that says what to fix; nothing is built beforehand.
 */
export async function loadSpec(path: string, options: { typecheck: boolean }): Promise<Spec<unknown, unknown>> {
  const absolute = resolve(path);
  if (!existsSync(absolute)) throw invalid(`cannot read spec ${path}: no such file`, path);
  if (options.typecheck && /\.[cm]?ts$/.test(absolute)) {
    const errors = await typeErrors(absolute);
    if (errors.length > 0) {
      const hint = errors.some((e) => e.includes("Cannot find module 'specwatch/")) ? `\n${WHERE_SPECS_LIVE}` : '';
      throw invalid(`spec ${path} does not type-check:\n  ${errors.join('\n  ')}${hint}\n(--no-typecheck runs it anyway)`, path);
    }
  }
  let exported: unknown;
  try {
    // tsImport loads a .ts spec as its own package says (ESM or CommonJS), so a spec needs no
    // "type": "module" beside it; CommonJS wraps the default export once more.
    const module = (await tsImport(pathToFileURL(absolute).href, import.meta.url)) as { default?: unknown };
    exported = module.default;
    if (!isSpec(exported) && isSpec((exported as { default?: unknown } | undefined)?.default)) exported = (exported as { default: unknown }).default;
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const hint = /Cannot find (module|package) '(specwatch|immutable)/.test(message) ? `\n${WHERE_SPECS_LIVE}` : '';
    throw invalid(`spec ${path} failed to load: ${message}${hint}`, path, error);
  }
  if (!isSpec(exported)) {
    throw invalid(`spec ${path} must have a default export made with defineSpec(...) from specwatch/properties (looked in ${dirname(absolute)})`, path);
  }
  return exported;
}
