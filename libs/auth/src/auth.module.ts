import { Module } from '@nestjs/common';
import { DirectoryModule } from '@makebuy/directory';
import { TokenService } from './token.service';
import { AuthGuard } from './auth.guard';
import { RolesGuard } from './roles.guard';

@Module({
  imports: [DirectoryModule],
  providers: [TokenService, AuthGuard, RolesGuard],
  exports: [TokenService, AuthGuard, RolesGuard],
})
export class AuthModule {}
