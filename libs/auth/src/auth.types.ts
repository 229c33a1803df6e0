import type { Role } from '@makebuy/domain';

/** The signed-in caller, resolved from the token and the directory. */
export interface Principal {
  sub: string;
  roles: Role[];
  /** null only for admin tokens whose sub is not in the directory */
  personId: string | null;
  name: string | null;
  consortiumId: string | null;
  providerId: string | null;
}
