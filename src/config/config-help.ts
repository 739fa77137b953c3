import { OPTIONS, type OptionSpec } from './config-options.ts';

const GROUPS: readonly OptionSpec['group'][] = ['SMTP', 'HTTP', 'Storage', 'Auth', 'General'];

/** `--help` text, generated from the option table so it cannot drift from the parser. */
export function helpText(version: string): string {
  const lines = [
    `catchall ${version}: a local SMTP sink with a Mailpit-compatible API and live web inbox.`,
    '',
    'Usage: catchall [options]       (npm start -- [options])',
    '',
    'Every option can also be set with its environment variable; options on the command line win.',
    'Boolean options take no value: --x turns them on, --no-x off (env: true/false).',
  ];
  const width = Math.max(...OPTIONS.map((o) => label(o).length));
  for (const group of GROUPS) {
    lines.push('', `${group}:`);
    for (const o of OPTIONS.filter((x) => x.group === group)) {
      lines.push(`  ${label(o).padEnd(width)}  ${o.help} [default: ${o.defaultText}] (${o.env})`);
    }
  }
  lines.push('', '  --help, -h     show this help', '  --version, -V  show the version', '');
  return lines.join('\n');
}

function label(o: OptionSpec): string {
  return o.boolean ? `--${o.name}` : `--${o.name} ${o.value ?? 'VALUE'}`;
}
