import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@makebuy/domain';
import { CurrentPrincipal, Principal } from '@makebuy/auth';
import { NotificationsService } from '@makebuy/notifications';
import { ApiSignedIn } from '../http/api-problems.decorator';
import { IdPipe } from '../http/uuid.pipe';
import { ListNotificationsQuery, NotificationDto, NotificationPageDto } from './notifications.dto';

/** Notifications belong to a person in the directory (an admin token without one has none). */
function personOf(p: Principal): string {
  if (!p.personId) throw new DomainError('FORBIDDEN', 'notifications belong to people in the directory');
  return p.personId;
}

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: "The caller's reminders and notices, newest first",
    description:
      'Deadline reminders, escalations and case notices (tender published/closed, intention to award, awarded, cancelled...). `?unread=true` lists only unread ones.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiSignedIn('FORBIDDEN', 'VALIDATION_FAILED')
  list(@CurrentPrincipal() p: Principal, @Query() q: ListNotificationsQuery) {
    return this.notifications.list(personOf(p), {
      limit: q.limit ?? 50,
      cursor: q.cursor,
      unreadOnly: q.unread === 'true',
    });
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of your notifications read; returns it' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiSignedIn('NOT_FOUND', 'FORBIDDEN')
  markRead(@CurrentPrincipal() p: Principal, @Param('id', new IdPipe('notification')) id: string) {
    return this.notifications.markRead(personOf(p), id);
  }
}
