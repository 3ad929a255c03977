/**
 * Opening an online spec: the YAML file (a regular file, inside the boundary folder when one is given) or, with
 * no file, an empty mapping that the inputs fill; the class-deciding keys are read from the raw file before the
 * overrides are applied (reference §0.3, §6).
 */
import { dirname, resolve } from 'node:path';
import type { Node } from 'yaml';
import { inputError } from '../../core/errors';
import { loadYamlFile, parseYamlText, type YamlSource } from '../yaml-source';
import { checkLocalPath, type PathContext } from './local-paths';
import { Problems, type Origin, type OriginMap } from './origins';
import { applyOverrides, parseSetInput, type Override } from './overrides';
import { SpecReader } from './reader';

export interface SpecSourceOptions {
  /** The YAML file; without one, every value comes from the inputs. */
  file?: string;
  /** The file's text when already in memory (`file` still names it and anchors relative paths). */
  text?: string;
  /** Files (the YAML, code, scoring script, model, conda file, build context) are read only inside this folder. */
  boundary?: string;
  /** Folder that paths given by single-value inputs resolve against (default: process.cwd()); the file path itself is relative to process.cwd(). */
  cwd?: string;
  /** The `set` input: `key.path=value` lines, applied to the YAML before validation. */
  set?: string;
  /** Step input names, for messages: the file input (default 'file') and the set input (default 'set'). */
  fileInput?: string;
  setInput?: string;
}

export interface OpenedSpec {
  yaml: YamlSource;
  /** False when there is no file (everything from inputs). */
  hasFile: boolean;
  reader: SpecReader;
  problems: Problems;
  /** Raw top-level values before overrides (they choose the schema). */
  raw: Record<string, unknown>;
  /** True when an override sets a top-level key (`compute` selects a Kubernetes endpoint). */
  overridden: Set<string>;
  file: PathContext;
  cwd: PathContext;
}

export interface OpenOptions {
  /** Key paths whose override values (set lines and inputs alike) are lower-cased, as az ml does for a batch `endpoint_name`. */
  lowerCase?: readonly string[];
}

/**
 * `inputOverrides` are the single-value inputs as overrides, or a function that makes them from the raw top-level
 * values (when which key an input sets depends on the file's class, e.g. a batch deployment's `type`).
 */
export function openSpec(
  options: SpecSourceOptions,
  inputOverrides: Override[] | ((raw: Record<string, unknown>, hasFile: boolean) => Override[]),
  inputFor: Record<string, string>,
  open: OpenOptions = {},
): OpenedSpec {
  const cwd = options.cwd ?? process.cwd();
  let yaml: YamlSource;
  const { file } = options;
  if (file !== undefined) {
    if (options.boundary !== undefined) {
      const checked = checkLocalPath(file, { baseDir: process.cwd(), baseDescription: 'the working directory', boundary: options.boundary }, 'file', 'spec file');
      if ('problem' in checked) throw inputError(`Input '${options.fileInput ?? 'file'}': ${checked.problem}`, { input: options.fileInput ?? 'file', hint: checked.hint });
    }
    yaml = options.text !== undefined ? parseYamlText(options.text, file) : loadYamlFile(file, { input: options.fileInput ?? 'file' });
  } else {
    yaml = parseYamlText('{}', '<inputs>');
  }
  const raw: Record<string, unknown> = {};
  for (const e of yaml.entries(yaml.root)) raw[e.key] = yaml.toJS(e.value);
  const fromInputs = typeof inputOverrides === 'function' ? inputOverrides(raw, file !== undefined) : inputOverrides;
  const overrides = [...parseSetInput(options.set ?? '', options.setInput ?? 'set'), ...fromInputs].map((o) =>
    open.lowerCase?.includes(o.pathText) ? { ...o, value: o.value.toLowerCase() } : o,
  );
  const origins: OriginMap = new WeakMap<Node, Origin>();
  applyOverrides(yaml, overrides, origins);
  const problems = new Problems();
  const baseDir = file === undefined ? cwd : dirname(resolve(file));
  return {
    yaml,
    hasFile: file !== undefined,
    reader: new SpecReader(yaml, origins, problems, inputFor),
    problems,
    raw,
    overridden: new Set(overrides.map((o) => o.path[0]!.key)),
    file: { baseDir, baseDescription: file === undefined ? `the working directory ${cwd}` : `the folder of ${file}`, boundary: options.boundary },
    cwd: { baseDir: cwd, baseDescription: `the working directory ${cwd}`, boundary: options.boundary },
  };
}
