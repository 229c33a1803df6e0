import { DynamicModule, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuthModule } from '@makebuy/auth';
import { DirectoryModule } from '@makebuy/directory';
import { ConsoleSessionController } from './console-session.controller';
import { StatechartController } from './statechart.controller';

/** Where `npm run build` puts the console (Vite's output). */
export const CONSOLE_DIR = resolve(process.env.CONSOLE_DIR ?? join(process.cwd(), 'dist', 'console'));

/**
 * The web console at /console: a static single-page app, a client of this API like any other,
 * plus the session endpoints it signs in with.
 */
@Module({})
export class ConsoleHttpModule {
  static forRoot(): DynamicModule {
    const built = existsSync(join(CONSOLE_DIR, 'index.html'));
    return {
      module: ConsoleHttpModule,
      imports: [
        AuthModule,
        DirectoryModule,
        ...(built
          ? [
              ServeStaticModule.forRoot({
                rootPath: CONSOLE_DIR,
                serveRoot: '/console',
                serveStaticOptions: { index: 'index.html', fallthrough: true, maxAge: '1h' },
              }),
            ]
          : []),
      ],
      controllers: [ConsoleSessionController, StatechartController],
    };
  }
}
