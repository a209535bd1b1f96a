/** The Management API as a resource server of its own, with Auth0's scope names. */
export const MANAGEMENT_RESOURCES = ['clients', 'client_keys', 'resource_servers', 'grants', 'client_grants', 'users', 'connections'] as const;
const VERBS = ['create', 'read', 'update', 'delete'] as const;

export const MANAGEMENT_SCOPES: string[] = [
  ...MANAGEMENT_RESOURCES.flatMap((resource) =>
    VERBS.filter((verb) => !(resource === 'grants' && (verb === 'create' || verb === 'update'))).map((verb) => `${verb}:${resource}`),
  ),
  'read:logs',
  'read:logs_users',
  // Signing keys: list and read, rotate, revoke (Auth0's names).
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
];

export function managementAudience(issuer: string): string {
  return `${issuer}api/v2/`;
}
