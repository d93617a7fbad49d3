/** The SQL engines the store supports (R1). Only SQLite is wired up so far. */
export type Dialect = 'sqlite' | 'postgres';
