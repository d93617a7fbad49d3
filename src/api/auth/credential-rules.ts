// The rules for logins and passwords (S2).

export const FACTORY_LOGIN = 'admin';
export const FACTORY_PASSWORD = 'ADMIN';

/** What is wrong with a login, or an empty list. */
export function loginProblems(login: string): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(login)) problems.push('a login has 1 to 64 letters, digits or . _ @ -');
  if (login.toLowerCase() === FACTORY_LOGIN) problems.push('the login may not be "admin", in any case');
  return problems;
}

/** What is wrong with a password, or an empty list: each rule it breaks, named. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  if (password.length < 8) problems.push('at least 8 characters');
  if (password.length > 128) problems.push('at most 128 characters');
  if (!/[A-Z]/.test(password)) problems.push('an upper-case letter');
  if (!/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (!/[0-9]/.test(password)) problems.push('a digit');
  if (!/[^A-Za-z0-9]/.test(password)) problems.push('a special character');
  return problems;
}
