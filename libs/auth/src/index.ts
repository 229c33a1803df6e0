export * from './auth.types';
export * from './token.service';
export * from './auth.guard';
export * from './roles.guard';
export * from './current-principal.decorator';
export * from './auth.module';
export * from './session-cookie';
