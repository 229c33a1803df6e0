/** npm run people:grant -- --person <id> --role governance */
import { parseArgs } from 'node:util';
import { DIRECTORY_ROLES, DirectoryRole } from '../directory.entities';
import { withDirectory } from './with-directory';

async function main() {
  const { values } = parseArgs({ options: { person: { type: 'string' }, role: { type: 'string' } } });
  if (!values.person || !values.role) {
    console.error(`usage: npm run people:grant -- --person <id> --role <${DIRECTORY_ROLES.join('|')}>`);
    process.exit(2);
  }
  if (!(DIRECTORY_ROLES as readonly string[]).includes(values.role)) {
    console.error(
      `unknown role ${values.role}; the directory grants ${DIRECTORY_ROLES.join(', ')} (admin is never stored)`,
    );
    process.exit(2);
  }
  const p = await withDirectory((dir) => dir.grantRole(values.person!.toLowerCase(), values.role as DirectoryRole));
  console.log(`${p.name} (${p.id}) now holds: ${p.roles.join(', ')}`);
}
main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
