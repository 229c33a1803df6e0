import { DynamicModule, Global, Module } from '@nestjs/common';
import type { PolicyBook } from '@makebuy/domain';
import { APP_CONFIG, AppConfig } from './app-config';
import { POLICY_BOOK } from './policy.loader';
import { Clock, SystemClock } from './clock';
import { ShutdownLogger } from './shutdown-logger';

/** Configuration is read once at boot and handed out as typed objects. */
@Global()
@Module({})
export class SettingsModule {
  static forRoot(config: AppConfig, policy: PolicyBook, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: SettingsModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: POLICY_BOOK, useValue: policy },
        { provide: Clock, useValue: clock },
        ShutdownLogger,
      ],
      exports: [APP_CONFIG, POLICY_BOOK, Clock],
    };
  }
}
