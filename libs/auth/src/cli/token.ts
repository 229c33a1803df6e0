/** npm run token -- --sub <personId> --roles commissioner,governance [--expires 12h] */
import { parseArgs } from 'node:util';
import { ROLES, Role } from '@makebuy/domain';
import { loadAppConfig } from '@makebuy/settings';
import { signToken } from '../token.service';

async function main() {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, roles: { type: 'string' }, expires: { type: 'string', default: '12h' } },
  });
  if (!values.sub || !values.roles) {
    console.error('usage: npm run token -- --sub <personId> --roles commissioner,governance [--expires 12h]');
    process.exit(2);
  }
  const roles = values.roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) {
    console.error(`unknown role(s): ${bad.join(', ')}; roles are ${ROLES.join(', ')}`);
    process.exit(2);
  }
  const config = loadAppConfig();
  if (config.jwtSecretIsDevelopment)
    console.error('warning: signing with the development secret (AUTH_JWT_SECRET is not set)');
  console.log(await signToken(config.jwtSecret, values.sub, roles as Role[], values.expires));
}
main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
