// A statement Kysely builds and compiles once, then runs again with other values. Kysely builds,
// freezes and compiles every query anew: for the few statements a boot storm or a steady stream of
// MeterValues runs tens of thousands of times that was a tenth of the CPU (issue 15). The SQL
// still comes from Kysely's builder (and so from the dialect in use).
import { CompiledQuery } from 'kysely';

/** Stands for the value named `name` in a template: `\u0000name`, a string no value of ours takes. */
const placeholder = (name: string): string => `\u0000${name}`;

/**
 * `build` makes the query with `value(name)` wherever a value goes, and compiles it (at the first
 * run: a repository's field can name its database); the result makes the same query with the
 * values given: an object by name, or a function that gives each by its name (for many values:
 * no object to build). Every parameter of the compiled SQL must come from `value` (checked once): a
 * literal would be frozen into every run.
 */
export function reusedQuery<K extends string>(build: (value: (name: K) => never) => CompiledQuery): (values: Record<K, unknown> | ((name: K) => unknown)) => CompiledQuery {
  let template: { sql: string; order: K[] } | undefined;
  const compile = (): { sql: string; order: K[] } => {
    const compiled = build((name) => placeholder(name) as never);
    const order = compiled.parameters.map((parameter, i) => {
      if (typeof parameter !== 'string' || !parameter.startsWith('\u0000')) {
        throw new Error(`reusedQuery: parameter ${i + 1} of "${compiled.sql}" is not a named value`);
      }
      return parameter.slice(1) as K;
    });
    // A placeholder written into the SQL itself (sql.lit) would be the same in every run.
    if (compiled.sql.includes('\u0000')) throw new Error(`reusedQuery: a value is written into "${compiled.sql}", not passed`);
    return { sql: compiled.sql, order };
  };
  return (values) => {
    template ??= compile();
    const { sql: sqlText, order } = template;
    const parameters = new Array<unknown>(order.length);
    // A missing value would be stored as NULL without a word.
    if (typeof values === 'function') {
      for (let i = 0; i < order.length; i++) {
        const value = values(order[i]);
        if (value === undefined) throw missingValue(order[i], sqlText);
        parameters[i] = value;
      }
    } else {
      for (let i = 0; i < order.length; i++) {
        if (!(order[i] in values)) throw missingValue(order[i], sqlText);
        parameters[i] = values[order[i]];
      }
    }
    return CompiledQuery.raw(sqlText, parameters);
  };
}

function missingValue(name: string, sqlText: string): Error {
  return new Error(`reusedQuery: no value named ${name} for "${sqlText}"`);
}
