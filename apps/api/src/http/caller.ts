import type { Principal } from '@makebuy/auth';

/** The signed-in principal as the use cases see the caller. */
export const callerOf = (p: Principal) => ({
  sub: p.sub,
  personId: p.personId,
  roles: p.roles,
  consortiumId: p.consortiumId,
  providerId: p.providerId,
});
