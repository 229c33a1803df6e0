import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class ConsoleSignInDto {
  @ApiPropertyOptional({ description: 'development sign-in: the directory person to act as', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ description: 'development sign-in: act as an administrator without a directory entry' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({
    description: "a bearer token from the organisation's identity provider, exchanged for a session",
  })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  token?: string;
}

export class ConsoleConfigView {
  @ApiProperty({ description: 'whether the "sign in as" page is available (never in production)' })
  devSignIn: boolean;
}

export class ConsoleSessionView {
  @ApiProperty() sub: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) personId: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) consortiumId: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) providerId: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt: string;
}

export class DevPersonView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: String, nullable: true }) organisation: string | null;
}

export class DevPeoplePage {
  @ApiProperty({ type: [DevPersonView] }) items: DevPersonView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
