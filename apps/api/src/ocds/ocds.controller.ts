import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@makebuy/auth';
import { OcdsPublicationService } from '@makebuy/ocds';
import { ApiProblems } from '../http/api-problems.decorator';
import { RecordPackageDto, RecordQuery, ReleasePackageDto, ReleasePackageQuery } from './ocds.dto';
import { PUBLICATION_POLICY } from './publication-policy';

/** Open Contracting Data Standard 1.1.5, public (no sign-in), like the notices. */
@ApiTags('ocds')
@Controller('ocds')
export class OcdsController {
  constructor(private readonly ocds: OcdsPublicationService) {}

  @Get('releases')
  @Public()
  @ApiOperation({
    summary: 'OCDS release package',
    description:
      'Every published release in publication order (of one contracting process with `ocid`), paged with ' +
      '`links.next` (OCDS pagination extension). Releases are immutable.',
  })
  @ApiOkResponse({ type: ReleasePackageDto })
  @ApiProblems('VALIDATION_FAILED')
  releases(@Query() q: ReleasePackageQuery) {
    return this.ocds.releasePackage({ ocid: q.ocid, limit: q.limit ?? 50, cursor: q.cursor });
  }

  @Get('releases/:id')
  @Public()
  @ApiOperation({ summary: 'One OCDS release, in a release package' })
  @ApiOkResponse({ type: ReleasePackageDto })
  @ApiProblems('NOT_FOUND')
  release(@Param('id') id: string) {
    return this.ocds.release(id);
  }

  @Get('records/:ocid')
  @Public()
  @ApiOperation({
    summary: 'OCDS record package of one contracting process',
    description:
      '`records: [{ ocid, releases, compiledRelease }]`; with `versioned=true` also `versionedRelease`. ' +
      'Compiled and versioned by the standard merge routine.',
  })
  @ApiOkResponse({ type: RecordPackageDto })
  @ApiProblems('NOT_FOUND', 'VALIDATION_FAILED')
  record(@Param('ocid') ocid: string, @Query() q: RecordQuery) {
    return this.ocds.recordPackage(ocid, { versioned: q.versioned === 'true' });
  }

  @Get('publication-policy')
  @Public()
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  @ApiOperation({ summary: 'The OCDS publication policy that every package links to' })
  @ApiProduces('text/markdown')
  @ApiOkResponse({
    description: 'what is published, when, and under which licence',
    content: { 'text/markdown': { schema: { type: 'string' } } },
  })
  publicationPolicy(): string {
    return PUBLICATION_POLICY;
  }
}
