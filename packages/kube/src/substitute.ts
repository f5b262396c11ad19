import { ConfigurationError } from '@alt-las/action-kit';

const VARIABLE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Replaces `${NAME}` with values from an allow-list. Anything else written `${...}` is an error that
 * names the file and line, because a silently unreplaced variable would reach the cluster verbatim.
 */
export function substituteVariables(text: string, vars: Record<string, string>, file: string): string {
  const lines = text.split('\n');
  return lines
    .map((line, index) =>
      line.replace(VARIABLE, (whole, name: string) => {
        if (NAME.test(name) && Object.prototype.hasOwnProperty.call(vars, name)) return vars[name]!;
        const allowed = Object.keys(vars).sort();
        throw new ConfigurationError(
          `${file}:${index + 1}: unknown variable ${whole}; input "vars" allows ${
            allowed.length > 0 ? allowed.join(', ') : 'no variables (it is empty)'
          }`,
          'vars',
        );
      }),
    )
    .join('\n');
}
