import { LoggerModule } from 'nestjs-pino';
import { redactError, type AppConfig } from '@makebuy/settings';

// errors logged by processors pass through the same redaction as the API's
export const loggerModuleFor = (config: AppConfig) =>
  LoggerModule.forRoot({ pinoHttp: { level: config.logLevel, serializers: { err: redactError } } });
