import { describe, expect, it } from 'vitest';
import { loginProblems, passwordProblems } from './credential-rules.js';

describe('credential rules (S2)', () => {
  it('names every password rule that is broken', () => {
    expect(passwordProblems('short')).toEqual(['at least 8 characters', 'an upper-case letter', 'a digit', 'a special character']);
    expect(passwordProblems('alllowercase1!')).toEqual(['an upper-case letter']);
    expect(passwordProblems('ALLUPPERCASE1!')).toEqual(['a lower-case letter']);
    expect(passwordProblems('NoDigits!!')).toEqual(['a digit']);
    expect(passwordProblems('NoSpecial123')).toEqual(['a special character']);
    expect(passwordProblems('G00d!pass')).toEqual([]);
  });

  it('refuses the login admin in any case, and odd characters', () => {
    expect(loginProblems('admin')).toHaveLength(1);
    expect(loginProblems('AdMiN')).toHaveLength(1);
    expect(loginProblems('has space')).toHaveLength(1);
    expect(loginProblems('')).toHaveLength(1);
    expect(loginProblems('site.manager@example')).toEqual([]);
  });
});
