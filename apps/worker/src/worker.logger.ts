import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '@makebuy/settings';

export const loggerModuleFor = (config: AppConfig) => LoggerModule.forRoot({ pinoHttp: { level: config.logLevel } });
