/**
 * The compiler proves every effect type has a handler: with one more variant in the statechart's
 * `CaseEffect` union (and nothing else changed), the case workflow no longer builds.
 */
import * as path from 'node:path';
import * as ts from 'typescript';

jest.setTimeout(120_000);

const root = path.resolve(__dirname, '../../..');
const typesFile = path.join(root, 'libs/domain/src/case/case.types.ts');
const roomFile = path.join(root, 'libs/case-workflow/src/case-workflow.service.ts');

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
  return { ...parsed.options, noEmit: true, skipLibCheck: true, types: ['node'] };
}

/** Errors in `file` when the program is built from the room, with case.types.ts read through `rewrite`. */
function errorsIn(files: string[], rewrite: (source: string) => string, old?: ts.Program) {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (f) => {
    const text = read(f);
    return text !== undefined && path.resolve(f) === typesFile ? rewrite(text) : text;
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, shouldCreate) =>
    path.resolve(f) === typesFile
      ? ts.createSourceFile(f, host.readFile(f) ?? '', lang)
      : getSourceFile(f, lang, onError, shouldCreate);
  const program = ts.createProgram([roomFile], options, host, old);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return {
    program,
    messages: files.map((file) =>
      diagnostics
        .filter((d) => d.file && path.resolve(d.file.fileName) === file)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    ),
  };
}

const NEW_VARIANT = `| { type: 'closeBids' }\n  | { type: 'publishNoticeForTest'; noticeId: string }`;

describe('an effect type without a handler does not build', () => {
  let baseline: ts.Program;

  it('the room builds as it is', () => {
    const { program, messages } = errorsIn([roomFile, typesFile], (s) => s);
    baseline = program;
    expect(messages).toEqual([[], []]);
  });

  it('one more CaseEffect variant breaks the room (no handler) and the list of effect types', () => {
    const { messages } = errorsIn(
      [roomFile, typesFile],
      (s) => {
        expect(s).toContain(`| { type: 'closeBids' }`);
        return s.replace(`| { type: 'closeBids' }`, NEW_VARIANT);
      },
      baseline,
    );
    const [room, types] = messages;
    // the exhaustive switch of carryOut: the new variant reaches `never`
    expect(room.join('\n')).toMatch(/publishNoticeForTest/);
    expect(room.join('\n')).toMatch(/not assignable to parameter of type 'never'/);
    // and CASE_EFFECT_TYPES must list it
    expect(types.join('\n')).toMatch(/publishNoticeForTest/);
  });
});
