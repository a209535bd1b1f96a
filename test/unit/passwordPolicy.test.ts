/** The one password policy: length in code points, a maximum, and the bundled list of common passwords. */
import { checkPassword, MAX_PASSWORD_LENGTH } from '../../src/domain/passwordPolicy.js';

test('length counts characters as people see them', () => {
  expect(checkPassword('short')).toBe('too_short');
  expect(checkPassword('😀😀😀😀😀😀😀')).toBe('too_short');
  expect(checkPassword('😀😀😀😀😀😀😀😀')).toBeNull();
  expect(checkPassword('a'.repeat(MAX_PASSWORD_LENGTH + 1))).toBe('too_long');
});

test('common passwords are refused whatever their case; a passphrase is not', () => {
  for (const common of ['password', 'Password123', 'QWERTYUIOP', 'iloveyou', '1qaz2wsx', 'superman']) expect(checkPassword(common)).toBe('too_common');
  expect(checkPassword('correct horse battery staple')).toBeNull();
});
