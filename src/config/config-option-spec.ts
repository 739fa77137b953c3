/** One row of the option table (config-options.ts). */
export interface OptionSpec {
  /** Flag name without the leading dashes. */
  readonly name: string;
  readonly env: string;
  /** Boolean options take no value on the command line (`--x`, `--no-x`, `--x=false`). */
  readonly boolean: boolean;
  /** Placeholder for the value in help text. */
  readonly value?: string;
  /** Default as shown in help; the typed default lives in config-load.ts. */
  readonly defaultText: string;
  readonly help: string;
  readonly group: 'SMTP' | 'HTTP' | 'Storage' | 'Auth' | 'General';
}

export const option = (
  name: string,
  group: OptionSpec['group'],
  defaultText: string,
  help: string,
  value?: string,
): OptionSpec => ({
  name,
  env: `CATCHALL_${name.toUpperCase().replace(/-/g, '_')}`,
  boolean: value === undefined,
  ...(value === undefined ? {} : { value }),
  defaultText,
  help,
  group,
});
