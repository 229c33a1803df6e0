import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import {
  AffiliationEntity,
  ConsortiumEntity,
  DirectoryService,
  PersonEntity,
  ProviderEntity,
} from '@makebuy/directory';
import { ApiProblems, ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import {
  AffiliationDto,
  ConsortiumDto,
  CreateAffiliationDto,
  CreateConsortiumDto,
  CreatePersonDto,
  CreateProviderDto,
  ListPeopleQuery,
  ListProvidersQuery,
  PersonDto,
  PersonPageDto,
  PersonSummaryDto,
  UpdatePersonDto,
  ProviderDto,
  ProviderPageDto,
} from './directory.dto';

const IDEMPOTENCY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description: 'same key and body within 24h returns the first response',
});

export const consortiumView = (c: ConsortiumEntity): ConsortiumDto => ({
  id: c.id,
  name: c.name,
  createdAt: c.createdAt.toISOString(),
});
export const providerView = (p: ProviderEntity): ProviderDto => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  memberOfConsortiumId: p.memberOfConsortiumId,
  address: p.address,
  odsCode: p.odsCode,
  companiesHouseNumber: p.companiesHouseNumber,
  createdAt: p.createdAt.toISOString(),
});
export const affiliationView = (a: AffiliationEntity): AffiliationDto => ({
  id: a.id,
  personId: a.personId,
  providerId: a.providerId,
  relationship: a.relationship,
  createdAt: a.createdAt.toISOString(),
});
const personSummary = (p: PersonEntity): PersonSummaryDto => ({
  id: p.id,
  name: p.name,
  email: p.email,
  consortiumId: p.consortiumId,
  providerId: p.providerId,
  roles: p.roles,
  createdAt: p.createdAt.toISOString(),
});
const personView = (p: PersonEntity, affiliations: AffiliationEntity[]): PersonDto => ({
  ...personSummary(p),
  affiliations: affiliations.map(affiliationView),
});

@ApiTags('directory')
@Controller()
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  @Post('consortia')
  @Roles('admin')
  @IDEMPOTENCY
  @ApiOperation({ summary: 'Create a consortium (admin)' })
  @ApiCreatedResponse({ type: ConsortiumDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  async createConsortium(@Body() dto: CreateConsortiumDto): Promise<ConsortiumDto> {
    return consortiumView(await this.directory.createConsortium(dto));
  }

  @Get('consortia/:id')
  @ApiOperation({ summary: 'Read a consortium' })
  @ApiOkResponse({ type: ConsortiumDto })
  @ApiSignedIn('NOT_FOUND')
  async getConsortium(@Param('id', new IdPipe('consortium')) id: string): Promise<ConsortiumDto> {
    return consortiumView(await this.directory.getConsortium(id));
  }

  @Post('providers')
  @Roles('admin')
  @IDEMPOTENCY
  @ApiOperation({ summary: 'Create a provider (admin); memberOfConsortiumId makes it a member practice' })
  @ApiCreatedResponse({ type: ProviderDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  async createProvider(@Body() dto: CreateProviderDto): Promise<ProviderDto> {
    return providerView(await this.directory.createProvider(dto));
  }

  @Get('providers')
  @ApiOperation({ summary: 'List providers' })
  @ApiOkResponse({ type: ProviderPageDto })
  @ApiSignedIn('VALIDATION_FAILED')
  async listProviders(@Query() q: ListProvidersQuery): Promise<ProviderPageDto> {
    const page = await this.directory.listProviders({ ...q, limit: q.limit ?? 50 });
    return { items: page.items.map(providerView), nextCursor: page.nextCursor };
  }

  @Get('providers/:id')
  @ApiOperation({ summary: 'Read a provider' })
  @ApiOkResponse({ type: ProviderDto })
  @ApiSignedIn('NOT_FOUND')
  async getProvider(@Param('id', new IdPipe('provider')) id: string): Promise<ProviderDto> {
    return providerView(await this.directory.getProvider(id));
  }

  @Post('people')
  @Roles('admin')
  @IDEMPOTENCY
  @ApiOperation({ summary: 'Add a person to the directory (admin)' })
  @ApiCreatedResponse({ type: PersonDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT')
  async createPerson(@Body() dto: CreatePersonDto): Promise<PersonDto> {
    return personView(await this.directory.createPerson(dto), []);
  }

  @Get('people')
  @Roles('admin', 'governance', 'commissioner')
  @ApiOperation({
    summary: 'List people by role and consortium (admin and governance: everyone; a commissioner: its own consortium)',
  })
  @ApiOkResponse({ type: PersonPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  async listPeople(@CurrentPrincipal() p: Principal, @Query() q: ListPeopleQuery): Promise<PersonPageDto> {
    const page = await this.directory.listPeople(p, { ...q, limit: q.limit ?? 50 });
    return { items: page.items.map(personSummary), nextCursor: page.nextCursor };
  }

  @Patch('people/:id')
  @Roles('admin')
  @ApiOperation({ summary: "Change a person's roles, consortiumId, name or email (admin)" })
  @ApiOkResponse({ type: PersonDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'CONFLICT')
  async updatePerson(@Param('id', new IdPipe('person')) id: string, @Body() dto: UpdatePersonDto): Promise<PersonDto> {
    const p = await this.directory.updatePerson(id, dto);
    return personView(p, await this.directory.listAffiliations(id));
  }

  @Get('people/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Read a person with their affiliations (admin)' })
  @ApiOkResponse({ type: PersonDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN')
  async getPerson(@Param('id', new IdPipe('person')) id: string): Promise<PersonDto> {
    const p = await this.directory.getPerson(id);
    return personView(p, await this.directory.listAffiliations(id));
  }

  @Post('people/:id/affiliations')
  @Roles('admin')
  @IDEMPOTENCY
  @ApiOperation({ summary: 'Record an affiliation between a person and a provider (admin)' })
  @ApiCreatedResponse({ type: AffiliationDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED')
  @ApiProblems('NOT_FOUND')
  async addAffiliation(
    @Param('id', new IdPipe('person')) id: string,
    @Body() dto: CreateAffiliationDto,
  ): Promise<AffiliationDto> {
    return affiliationView(await this.directory.addAffiliation(id, dto));
  }
}
