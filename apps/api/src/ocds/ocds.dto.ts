import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../http/page-query.dto';

export class ReleasePackageQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'only the releases of this contracting process', example: 'ocds-mkbuy1-5f0c...' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^ocds-[a-z0-9]{6}-[A-Za-z0-9-]+$/, { message: 'ocid must be an OCDS ocid' })
  ocid?: string;
}

export class RecordQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'add the versioned release (every value with its history)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  versioned?: 'true' | 'false';
}

class PublisherDto {
  @ApiProperty() name: string;
}

class PackageDto {
  @ApiProperty({ description: 'the URL of this package' }) uri: string;
  @ApiProperty({ example: '1.1' }) version: string;
  @ApiProperty({ type: PublisherDto }) publisher: PublisherDto;
  @ApiProperty() publishedDate: string;
  @ApiProperty() license: string;
  @ApiProperty() publicationPolicy: string;
  @ApiProperty({ type: [String], description: 'URLs of the extensions used: bids (statistics only) and enquiries' })
  extensions: string[];
}

export class ReleasePackageDto extends PackageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'OCDS 1.1.5 releases' })
  releases: Record<string, unknown>[];
  @ApiPropertyOptional({ description: 'the OCDS pagination extension: `{ next }` while there are more releases' })
  links?: { next: string };
}

export class RecordPackageDto extends PackageDto {
  @ApiProperty({ type: [String] }) packages: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: '`[{ ocid, releases, compiledRelease, versionedRelease? }]`',
  })
  records: Record<string, unknown>[];
}
