/** npm run token -- --sub <personId> --roles commissioner,governance [--expires 12h] */
import { parseArgs } from 'node:util';
import { ROLES, Role } from '@makebuy/domain';
import { withDirectory } from '@makebuy/directory';
import { loadAppConfig, parseDuration } from '@makebuy/settings';
import { expiryOf, signToken } from '../token.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function main() {
  const { values } = parseArgs({
    options: { sub: { type: 'string' }, roles: { type: 'string' }, expires: { type: 'string', default: '12h' } },
  });
  if (!values.sub || !values.roles) {
    console.error('usage: npm run token -- --sub <personId> --roles commissioner,governance [--expires 12h]');
    process.exit(2);
  }
  const roles = [
    ...new Set(
      values.roles
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    ),
  ];
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) {
    console.error(`unknown role(s): ${bad.join(', ')}; roles are ${ROLES.join(', ')}`);
    process.exit(2);
  }
  // the API honours only roles the directory grants; a token claiming more would mislead its holder
  const adminOnly = roles.length === 1 && roles[0] === 'admin';
  const person = UUID.test(values.sub) ? await withDirectory((dir) => dir.findPerson(values.sub!.toLowerCase())) : null;
  if (!person && !adminOnly) {
    console.error(`${values.sub} is not a person in the directory: only an admin token (--roles admin) needs no entry`);
    process.exit(2);
  }
  if (person) {
    const lacking = roles.filter((r) => !(person.roles as string[]).includes(r));
    if (lacking.length) {
      console.error(
        `${person.name} does not hold ${lacking.join(', ')} in the directory (holds: ${person.roles.join(', ') || 'none'}); ` +
          'grant it with PATCH /api/v1/people/{id} or npm run people:grant',
      );
      process.exit(2);
    }
  }
  const config = loadAppConfig();
  let lifeSeconds: number;
  try {
    lifeSeconds = parseDuration(values.expires);
  } catch {
    console.error(`--expires ${values.expires}: a duration like 12h, 90m or 3600s`);
    process.exit(2);
  }
  // the API refuses tokens that live longer than AUTH_MAX_TOKEN_AGE
  if (lifeSeconds > config.maxTokenAgeSeconds) {
    console.error(`--expires ${values.expires} is longer than AUTH_MAX_TOKEN_AGE (${config.maxTokenAgeSeconds} s)`);
    process.exit(2);
  }
  if (config.jwtSecretIsDevelopment)
    console.error('warning: signing with the development secret (AUTH_JWT_SECRET is not set)');
  const token = await signToken(config.jwtSecret, values.sub, roles as Role[], `${lifeSeconds}s`);
  console.error(`token expires at ${expiryOf(token).toISOString()} (in ${values.expires})`);
  console.log(token);
}
main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
