import { Body, Controller, Delete, Headers, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, Principal, Roles } from '@makebuy/auth';
import { CaseViews } from '@makebuy/case-workflow';
import { DeclarationsService, PanelService } from '@makebuy/conflicts';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe, isUuid } from '../http/uuid.pipe';
import { validateBody } from '../http/validation';
import { InputCheckedAfterAccess, InputCheckedRequest, refuseBadInput } from '../http/input-guard';
import { DomainError } from '@makebuy/domain';
import { CaseAccessGuard, CaseRequest } from '../http/case-access.guard';
import { callerOf } from '../http/caller';
import { CaseDto } from '../cases/case.dto';
import { etagOf, parseIfMatch } from '../http/if-match';
import { committedView } from '../cases/committed-view';
import {
  AddPanelMemberDto,
  CaseConflictsPartDto,
  ConflictCheckDto,
  DeclarationDto,
  DetectedConflictDto,
  MakeDeclarationDto,
  PanelMemberViewDto,
  ReviewDeclarationDto,
} from './conflicts.dto';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'the case version you saw, as "<version>"; stale: 412',
});
const CASE_ID = ApiParam({ name: 'id', format: 'uuid', description: 'case id' });

@ApiTags('cases')
@Controller('cases/:id/panel')
@UseGuards(CaseAccessGuard)
@ApiExtraModels(CaseConflictsPartDto, PanelMemberViewDto, DetectedConflictDto, ConflictCheckDto)
export class CasePanelController {
  constructor(
    private readonly panel: PanelService,
    private readonly views: CaseViews,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles('commissioner', 'governance')
  @CASE_ID
  @IF_MATCH
  @ApiOperation({
    summary: 'Add a person to the case panel (draft or conflict_check)',
    description:
      'Commissioner or governance officer. The person must be in the directory and not act for a provider. ' +
      'Returns 200 with the updated case (the changed object) and its ETag. In other states: 409 EVENT_NOT_ALLOWED; ' +
      'already on the panel: 409 CONFLICT. Audited as PANEL_MEMBER_ADDED.',
  })
  @ApiOkResponse({ type: CaseDto, headers: { ETag: { description: '"<version>"', schema: { type: 'string' } } } })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED', 'CONFLICT')
  async add(
    @CurrentPrincipal() p: Principal,
    @Req() req: CaseRequest,
    @Body() dto: AddPanelMemberDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const row = await this.panel.addMember(callerOf(p), req.caseRow!.id, dto.personId, parseIfMatch(ifMatch));
    res.setHeader('ETag', etagOf(row.version));
    return committedView(row, () => this.views.view(row, callerOf(p)));
  }

  @Delete(':personId')
  @Roles('commissioner', 'governance')
  @CASE_ID
  @IF_MATCH
  @ApiOperation({
    summary: 'Remove a person from the case panel (draft or conflict_check)',
    description:
      'Commissioner or governance officer. Their current declaration for the case is superseded. Returns 200 ' +
      'with the updated case and its ETag. Not on the panel: 404. In other states: 409 EVENT_NOT_ALLOWED. ' +
      'Audited as PANEL_MEMBER_REMOVED.',
  })
  @ApiOkResponse({ type: CaseDto, headers: { ETag: { description: '"<version>"', schema: { type: 'string' } } } })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED')
  async remove(
    @CurrentPrincipal() p: Principal,
    @Req() req: CaseRequest,
    @Param('personId', new IdPipe('panel member')) personId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const row = await this.panel.removeMember(callerOf(p), req.caseRow!.id, personId, parseIfMatch(ifMatch));
    res.setHeader('ETag', etagOf(row.version));
    return committedView(row, () => this.views.view(row, callerOf(p)));
  }
}

@ApiTags('cases')
@Controller('cases/:id/declarations')
export class CaseDeclarationsController {
  constructor(private readonly declarations: DeclarationsService) {}

  // the access check (404), the seat or role (403) and the body (400) run on the row the engine
  // locks, in that order: the case is read once per declaration or review
  @Post()
  @InputCheckedAfterAccess()
  @CASE_ID
  @IF_MATCH
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ type: MakeDeclarationDto })
  @ApiOperation({
    summary: 'Declare for the case (panel member, during conflict_check)',
    description:
      'interestIds name the caller’s own register interests relevant to the case; nilReturn: true declares ' +
      'nothing (then interestIds must be empty; otherwise at least one is needed). Supersedes the caller’s ' +
      'previous declaration for the case and its review. Not on the panel: 403. Outside conflict_check: 409 ' +
      'EVENT_NOT_ALLOWED. Audited as DECLARATION_MADE. Returns 201 with the declaration.',
  })
  @ApiCreatedResponse({ type: DeclarationDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED')
  declare(
    @CurrentPrincipal() p: Principal,
    @Req() req: InputCheckedRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    return this.declarations.declare(callerOf(p), id.toLowerCase(), async () => {
      refuseBadInput(req);
      const dto = await validateBody(MakeDeclarationDto, body);
      return { interestIds: dto.interestIds, nilReturn: dto.nilReturn, expectedVersion: parseIfMatch(ifMatch) };
    });
  }

  @Post(':declarationId/review')
  @InputCheckedAfterAccess()
  @CASE_ID
  @IF_MATCH
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiBody({ type: ReviewDeclarationDto })
  @ApiOperation({
    summary: 'Review a declaration and record the mitigation (governance, during conflict_check)',
    description:
      'mitigation: none, exclude_from_decision, exclude_from_evaluation or exclude_entirely (allowed on nil ' +
      'returns too). A second review of the current declaration replaces the first. A superseded declaration: ' +
      '409 CONFLICT. Outside conflict_check: 409 EVENT_NOT_ALLOWED. Audited as DECLARATION_REVIEWED. Returns 201 ' +
      'with the declaration.',
  })
  @ApiCreatedResponse({ type: DeclarationDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'VERSION_MISMATCH', 'EVENT_NOT_ALLOWED', 'CONFLICT')
  review(
    @CurrentPrincipal() p: Principal,
    @Req() req: InputCheckedRequest,
    @Param('id') id: string,
    @Param('declarationId', new IdPipe('declaration')) declarationId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
  ) {
    if (!isUuid(id)) throw new DomainError('NOT_FOUND', `case ${JSON.stringify(id)} not found`);
    return this.declarations.review(callerOf(p), id.toLowerCase(), declarationId, async () => {
      refuseBadInput(req);
      const dto = await validateBody(ReviewDeclarationDto, body);
      return { mitigation: dto.mitigation, note: dto.note, expectedVersion: parseIfMatch(ifMatch) };
    });
  }
}
