import type { Host, HostKind } from '../hosts/host';
import type { StepInputs } from './inputs';
import type { Deadline } from '../core/deadline';

/** 'service-connection' is the ADO AzureRM service connection picker (connectedService:AzureRM). */
export type InputType = 'string' | 'boolean' | 'number' | 'multiline' | 'choice' | 'service-connection';

export interface InputDefinition {
  /** kebab-case name: the GitHub input and CLI flag; the ADO task input is its camelCase form. */
  name: string;
  type: InputType;
  description: string;
  required?: boolean;
  default?: string;
  /** Never printed; masked as soon as it is read. */
  secret?: boolean;
  /** Allowed values for type 'choice'. */
  options?: string[];
  /** Hosts that expose the input (all when absent). */
  hosts?: HostKind[];
  /** Environment variables consulted when the input is not given (after AML_<NAME>). */
  env?: string[];
  /** Grouping in the ADO task UI and the README table. */
  group?: 'connection' | 'model' | 'gate' | 'compute' | 'endpoint' | 'deployment' | 'rollout' | 'checks' | 'monitor' | 'alerts' | 'advanced';
}

export interface OutputDefinition {
  name: string;
  description: string;
}

export interface StepContext {
  host: Host;
  inputs: StepInputs;
  /** The `timeout` input as a deadline (also fires on cancellation): pass `deadline.signal` to everything that waits. */
  deadline: Deadline;
}

export interface StepDefinition {
  /** kebab-case id: actions/<id>, CLI subcommand <id> */
  id: string;
  /** Title Case name shown in UIs */
  title: string;
  description: string;
  task: {
    /** PascalCase task name: tasks/<name>V1 */
    name: string;
    /** Stable GUID of the ADO task; never change it once published. */
    id: string;
    category: 'Deploy' | 'Build' | 'Utility' | 'Test';
    version: { major: number; minor: number; patch: number };
  };
  inputs: InputDefinition[];
  outputs: OutputDefinition[];
  /** One CLI invocation that works in local mode (after `. <state>/env.sh`), shown by `aml-lifecycle --help`. */
  cliExample?: string;
  run(ctx: StepContext): Promise<void>;
}
